// Layering rules from the README's "Where things live": one domain core in lib/, thin doors,
// db/ alone knows SQL. `npm run lint:layers` (part of `npm test`) fails on any violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'components-not-to-db-or-server',
      comment: 'Components render; data arrives through lib/ or props.',
      severity: 'error',
      from: { path: '^components/' },
      to: { path: '^(db|server|test)/' },
    },
    {
      name: 'app-not-to-sql',
      comment: 'Pages, route handlers and actions are doors: they call lib/, which calls db/queries.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^(db/schema|db/queries|db/raw)|node_modules/drizzle-orm' },
    },
    {
      name: 'lib-server-not-to-sql',
      comment: 'lib/ keeps the rules and server/ the processes; SQL lives in db/.',
      severity: 'error',
      from: { path: '^(lib|server|cli|sim)/' },
      to: { path: '^(db/schema|db/raw)|node_modules/drizzle-orm' },
    },
    {
      name: 'db-not-to-app',
      comment: 'db/ answers lib/; it never reaches up into the doors or the domain rules.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(app|lib|server)/' },
    },
    {
      name: 'no-cycles-between-lib-folders',
      comment: 'The domain core reads one way: no two lib/ folders import each other, directly or round about.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^lib/[^/]+' },
      to: { path: '^lib/[^/]+', circular: true, viaOnly: { path: '^lib/[^/]+' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may arrange and tamper with rows directly; the rules hold for what ships.
    exclude: { path: '(^|/)\\.next/|\\.test\\.tsx?$|^test/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
