/**
 * Worker pool benchmark: verifying the hash-chained audit log on the event loop versus in the
 * worker pool. Reports wall time and event-loop delay (perf_hooks.monitorEventLoopDelay) during
 * each run; the delay is what every socket and request on the process waits on.
 *
 *   DATABASE_URL=postgres://... npm run bench:workers     (BENCH_ROWS=50000; PGlite without DATABASE_URL)
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import os from 'node:os';
import { randomBytes } from 'node:crypto';

process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');
const { createTestDb } = await import('@/test/test-db');
const { appendChainedAuditRows } = await import('@/test/audit-bulk-chain');
const { checkAuditPage, walkAuditPage } = await import('@/lib/audit/check');
const { verifyAuditChain } = await import('@/lib/audit/verify');
const { verifyAuditChainInPool } = await import('@/server/workers/verify-audit');
const { workerPool, closeWorkerPool } = await import('@/server/workers/pool');

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const t = await createTestDb();
// Continue the seeded chain with ROWS realistic rows, in bulk (audit() would take minutes).
await appendChainedAuditRows(t.db, ROWS);
// The same check, called on this thread: what verification cost before it moved to the pool.
const onThisThread = {
  walk: async (p: Parameters<typeof walkAuditPage>[0]) => walkAuditPage(p),
  check: async (p: Parameters<typeof checkAuditPage>[0]) => checkAuditPage(p),
  threads: 1,
};

async function measure(label: string, fn: () => Promise<{ ok: boolean; checked: number }>) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  h.disable();
  const q = (p: number) => Math.round((h.percentile(p) / 1e6) * 10) / 10;
  const row = {
    label,
    ok: r.ok,
    checked: r.checked,
    wallMs: Math.round(ms),
    loopDelayP50: q(50),
    loopDelayP99: q(99),
    loopDelayMax: Math.round((h.max / 1e6) * 10) / 10,
  };
  console.log(JSON.stringify(row));
  return row;
}

workerPool(); // start the threads outside the measurement
await new Promise((r) => setTimeout(r, 500));
const results = [];
for (let round = 0; round < 2; round++) {
  results.push(await measure('event loop (the check on the main thread)', () => verifyAuditChain(t.db, onThisThread)));
  results.push(
    await measure(`worker pool, ${workerPool().options.maxThreads} thread(s) (verifyAuditChainInPool)`, () => verifyAuditChainInPool(t.db)),
  );
}
console.log(
  `\n${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, ${t.url ? 'Postgres' : 'PGlite'}, ${ROWS} rows, ${new Date().toISOString()}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| run | rows | wall ms | event-loop delay p50 / p99 / max ms |');
console.log('|---|---|---|---|');
for (const r of results.slice(2))
  console.log(`| ${r.label} | ${r.checked} | ${r.wallMs} | ${r.loopDelayP50} / ${r.loopDelayP99} / ${r.loopDelayMax} |`);
await closeWorkerPool();
await t.drop();
process.exit(0);
