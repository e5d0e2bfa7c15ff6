import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkgDir = path.join(root, 'node_modules/postgres');
const installed = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version as string;

// The fixes of patches/postgres+<version>.patch, by a line each leaves in connection.js.
const fixes = {
  'nextWrite guard': "const err = Errors.connection('CONNECTION_CLOSED', options)",
  'TCP no-delay': 'socket.setNoDelay && socket.setNoDelay(true)',
  'BEGIN reserves its connection': 'return q.options.onexecute ? (q.options.onexecute(connection), false) : more',
  'drain keeps reserved connections': '!query && !connection.reserved && onopen(connection)',
  'array types fetch': 'return fetchArrayTypes().catch(() => {})',
};

describe('the postgres.js patch', () => {
  it('is written for the exact version installed, which package.json pins', () => {
    const patches = readdirSync(path.join(root, 'patches')).filter((f) => f.startsWith('postgres+'));
    expect(patches).toEqual([`postgres+${installed}.patch`]);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies.postgres).toBe(installed);
  });

  it.each(['src', 'cjs/src', 'cf/src'])('is applied to %s/connection.js', (dir) => {
    const code = readFileSync(path.join(pkgDir, dir, 'connection.js'), 'utf8');
    for (const [fix, line] of Object.entries(fixes)) expect(code.includes(line), fix).toBe(true);
  });

  it('is applied to the copy the server loads', () => {
    const entry = createRequire(import.meta.url).resolve('postgres');
    const code = readFileSync(path.join(path.dirname(entry), 'connection.js'), 'utf8');
    for (const [fix, line] of Object.entries(fixes)) expect(code.includes(line), fix).toBe(true);
  });
});
