// Run on `npm install` (postinstall). postgres.js (3.4.x) can crash the whole process when a
// connection closes while a small write is queued: `nextWrite` runs from a setImmediate after
// `closed()` nulled the socket and throws "Cannot read properties of null (reading 'write')"
// where nothing can catch it (upstream porsager/postgres#1154, #1208; fix proposed, not released).
// server/faults/postgres-outage.test.ts hit it when Postgres went away. The guard settles the
// queued work with CONNECTION_CLOSED (→ 503) instead, like the proposed upstream fix.
// Idempotent; writes through a rename so a hard-linked node_modules copy is not changed in place.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../node_modules/postgres');
const original = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
const guarded =
  '  function nextWrite(fn) {\n' +
  '    if (!socket) { // patched by server/tools/patch-postgres.mjs\n' +
  '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
  '      chunk = nextWriteTimer = null\n' +
  "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
  '      return false\n' +
  '    }\n' +
  '    const x = socket.write(chunk, fn)';

for (const dir of ['src', 'cjs/src', 'cf/src']) {
  const file = path.join(root, dir, 'connection.js');
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  if (text.includes(guarded)) continue;
  if (!text.includes(original)) {
    console.warn(`patch-postgres: ${file} has changed upstream; check whether the nextWrite guard is still needed`);
    continue;
  }
  writeFileSync(`${file}.tmp`, text.replace(original, guarded));
  renameSync(`${file}.tmp`, file);
  console.log(`patch-postgres: guarded nextWrite in ${path.relative(process.cwd(), file)}`);
}
