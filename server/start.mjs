// `npm start`: build the console when the sources are newer than the last build, then run the
// production server (one process: pages, REST, Socket.IO, background loops).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const buildId = path.join(root, '.next', 'BUILD_ID');

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

const sources = ['app', 'components', 'lib', 'db', 'next.config.js', 'package.json', 'postcss.config.mjs'].map((s) => path.join(root, s));
const stale = !existsSync(buildId) || Math.max(...sources.filter(existsSync).map(newestMtime)) > statSync(buildId).mtimeMs;

if (stale) {
  console.log('[ecs] building the console (first start, or sources changed)…');
  // The OpenAPI route registry is generated from app/api/v1 (what `npm run build` does in prebuild).
  const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/gen-route-registry.ts')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    stdio: 'inherit',
    cwd: root,
    env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// V8 flags of the production server (server/node-flags.json): a young generation of 32 MB semi-spaces
// instead of 16, so the bus's per-message objects die young instead of being promoted, and the
// major collections that follow (the pauses behind the bus's latency tail) stay rare; and no
// allocation-site pretenuring: sites that allocated long-lived objects at start-up (1,000 agents
// connecting) went on allocating each message's short-lived objects straight into the old space
// (bench/bus-notes.md: bus p99 at 10,000 msg/s 46–73 ms with it, 19–32 ms without).
const nodeFlags = JSON.parse(readFileSync(path.join(root, 'server/node-flags.json'), 'utf8'));
const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, 'server/index.ts')], {
  stdio: 'inherit',
  cwd: root,
  // A person at a terminal reads pretty lines; a supervisor or a pipe gets JSON.
  env: { NEXT_TELEMETRY_DISABLED: '1', ...(process.stdout.isTTY ? { LOG_FORMAT: 'pretty' } : {}), ...process.env, NODE_ENV: 'production' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
