/**
 * The server half of bench/dashboard.ts: a fresh database, the real route handlers, Socket.IO
 * namespaces and loops (test/harness.ts), with dashboard pushes driven from here so
 * the parent can turn them on and off without losing its 1,000 connected agents.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDb } from '@/test/test-db';
import { runtimeState } from '@/lib/health';
import { pushSnapshots } from '../server/loops/metrics-live';
import { startHarness } from '../test/harness';

process.env.DASHBOARD_PUSH = 'false';
process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');
// Orphaned (the bench crashed): stop rather than linger.
process.on('disconnect', () => process.exit(1));
process.env.MAX_CONCURRENT_AGENTS = '5000';

const send = (m: unknown) => process.send!(m);

const t = await createTestDb({ adminPassword: 'bench-admin-password-1' });
await t.db.execute(sql`update departments set max_agents = 500`);
const h = await startHarness();

let timer: NodeJS.Timeout | undefined;
let pushCpuUs = 0;
let pushes = 0;
let emits = 0;

process.on('message', async (m: { type: string; on?: boolean }) => {
  if (m.type === 'push') {
    clearInterval(timer);
    timer = undefined;
    if (m.on)
      timer = setInterval(() => {
        // CPU of the push itself: snapshots from memory, encoding and writing to each console socket.
        const c = process.cpuUsage();
        emits += pushSnapshots();
        const d = process.cpuUsage(c);
        pushCpuUs += d.user + d.system;
        pushes++;
      }, 2_000);
  } else if (m.type === 'sample') {
    send({
      type: 'sample',
      cpu: process.cpuUsage(),
      at: performance.now(),
      pushCpuUs,
      pushes,
      emits,
      consoles: runtimeState().bus.consolesConnected,
      agents: runtimeState().bus.agentsConnected,
    });
  } else if (m.type === 'stop') {
    clearInterval(timer);
    await h.close();
    await t.drop();
    process.exit(0);
  }
});

send({ type: 'ready', url: h.url, engine: t.engine });
