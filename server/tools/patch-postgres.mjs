// Run on `npm install` (postinstall). Two ways postgres.js (3.4.x) ends the whole process when
// connections to Postgres die, each a throw or rejection nothing can catch:
// 1. `nextWrite` runs from a setImmediate after `closed()` nulled the socket: "Cannot read
//    properties of null (reading 'write')" (upstream porsager/postgres#1154, #1208; fix proposed,
//    not released). server/faults/postgres-outage.test.ts hit it. The guard fails the queries whose
//    bytes were lost with CONNECTION_CLOSED (→ 503). It leaves `initial` alone: a reconnecting
//    connection needs it to reach the pool's open queue, and failing it (as upstream's proposal
//    does through error()) left pooled queries waiting forever (server/faults/postgres-flap.test.ts).
// 2. Every new connection first fetches the array types in an async function whose promise is
//    dropped: a connection cut during that query is an unhandled rejection (read ECONNRESET).
//    Found with the connection cut every 20–100 ms. The failure is ignored there: the connection's
//    close path already fails its queries, and the next connection fetches the types again.
// Idempotent; writes through a rename so a hard-linked node_modules copy is not changed in place.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/postgres')  // import.meta.dirname needs Node 20.11; engines say 20.9;
const original = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
const guarded =
  '  function nextWrite(fn) {\n' +
  '    if (!socket) { // patched by server/tools/patch-postgres.mjs\n' +
  '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
  '      chunk = nextWriteTimer = null\n' +
  "      const err = Errors.connection('CONNECTION_CLOSED', options)\n" +
  '      query && (queryError(query, err), query = null)\n' +
  '      while (sent.length) queryError(sent.shift(), err)\n' +
  '      return false\n' +
  '    }\n' +
  '    const x = socket.write(chunk, fn)';

const patches = [
  { name: 'nextWrite guard', original, patched: guarded },
  {
    // 3. No TCP_NODELAY: a second query pipelined onto a connection waited for the server's delayed
    //    ACK (Nagle), up to 40 ms, with client and Postgres both idle; hand-outs were capped near
    //    350/s by it (bench/dispatch.ts). Every query here is a small write that should go at once.
    name: 'TCP no-delay',
    original: '      keep_alive && socket.setKeepAlive && socket.setKeepAlive(true, 1000 * keep_alive)\n',
    patched:
      '      keep_alive && socket.setKeepAlive && socket.setKeepAlive(true, 1000 * keep_alive)\n' +
      '      socket.setNoDelay && socket.setNoDelay(true) // patched by server/tools/patch-postgres.mjs\n',
  },
  {
    // 4. A transaction's BEGIN could run on a pooled connection that was never reserved for it
    //    (upstream porsager/postgres#1189, #823; fixes proposed in #1207, #1218, not released).
    //    execute() reserved the connection (onexecute) only as the last term of its "may more
    //    queries be pipelined here?" chain, so a BEGIN that filled the pipeline (max_pipeline) or
    //    met socket back-pressure skipped it: the transaction failed (UNSAFE_TRANSACTION or a
    //    TypeError, a 500), its BEGIN stayed open on the server, and the connection went on serving
    //    the pool inside it: statements answered but stayed uncommitted, invisible to others, until a
    //    later COMMIT on that connection, or lost with a ROLLBACK. bench/dispatch.ts hit it with
    //    DB_POOL_SIZE=4: agents told of hand-outs that were not yet committed had their completions
    //    refused. Now BEGIN reserves whenever it was sent (db/pipelined-begin.test.ts).
    name: 'BEGIN reserves its connection',
    original:
      '      return write(toBuffer(q))\n' +
      '        && !q.describeFirst\n' +
      '        && !q.cursorFn\n' +
      '        && sent.length < max_pipeline\n' +
      '        && (!q.options.onexecute || q.options.onexecute(connection))\n',
    patched:
      '      const more = write(toBuffer(q)) // patched by server/tools/patch-postgres.mjs\n' +
      '        && !q.describeFirst\n' +
      '        && !q.cursorFn\n' +
      '        && sent.length < max_pipeline\n' +
      '      return q.options.onexecute ? (q.options.onexecute(connection), false) : more\n',
  },
  {
    // 5. Same family (upstream #823): a socket 'drain' while a transaction's connection sat between
    //    its statements handed that connection to the pool (onopen), inside the open transaction.
    name: 'drain keeps reserved connections',
    original: '  function drain() {\n    !query && onopen(connection)\n',
    patched: '  function drain() {\n    !query && !connection.reserved && onopen(connection) // patched by server/tools/patch-postgres.mjs\n',
  },
  {
    name: 'array types fetch',
    original: '        return fetchArrayTypes()\n',
    patched: '        return fetchArrayTypes().catch(() => {}) // patched by server/tools/patch-postgres.mjs\n',
  },
];

for (const dir of ['src', 'cjs/src', 'cf/src']) {
  const file = path.join(root, dir, 'connection.js');
  if (!existsSync(file)) continue;
  let text = readFileSync(file, 'utf8');
  const applied = [];
  for (const p of patches) {
    if (text.includes(p.patched)) continue;
    if (!text.includes(p.original)) {
      console.warn(`patch-postgres: ${file} has changed upstream; check whether the ${p.name} is still needed`);
      continue;
    }
    text = text.replace(p.original, p.patched);
    applied.push(p.name);
  }
  if (!applied.length) continue;
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  console.log(`patch-postgres: ${applied.join(', ')} in ${path.relative(process.cwd(), file)}`);
}
