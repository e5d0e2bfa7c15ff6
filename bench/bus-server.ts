/**
 * The bus under test for bench/bus.ts, in its own process: a fresh database (Postgres when
 * DATABASE_URL is set, else in-memory PGlite), N agents with tokens, and the harness server
 * (route handlers + Socket.IO, no Next, no loops). Reports {url, agents} over IPC.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { answerProbes } from './support/server-probe';

process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');
process.env.MAX_AGENTS_PER_DEPARTMENT = '1000';
process.env.MAX_CONCURRENT_AGENTS = '5000';
(process.env as Record<string, string>).NODE_ENV = 'production';

const { createTestDb } = await import('@/test/test-db');
const { departments } = await import('@/db/schema/org');
const { createAgent } = await import('@/lib/agents/service');
const { signToken } = await import('@/lib/keys/jwt');
const { principalOf } = await import('@/test/principals');
const { startHarness } = await import('@/test/harness');

const n = Number(process.env.BENCH_AGENTS ?? 1000);
const t = await createTestDb({ adminPassword: 'bench-admin-password-1' });
const admin = principalOf('super-admin');
const depts = await t.db.select().from(departments);
for (const d of depts) await t.db.update(departments).set({ maxAgents: 1000 }).where(eq(departments.id, d.id));
const agents: { id: string; departmentId: string; token: string }[] = [];
for (let i = 0; i < n; i++) {
  const d = depts[i % depts.length];
  const { credentials } = await createAgent(t.db, admin, {
    departmentId: d.id,
    type: 'bench',
    specialization: d.specializations[0],
    capabilities: {},
    resources: {},
    maxConcurrentTasks: 1,
    weight: 1,
  } as never);
  agents.push({
    id: credentials.agentId,
    departmentId: d.id,
    token: await signToken({ sub: credentials.agentId, typ: 'agent', dept: d.id }, 3600),
  });
}
const h = await startHarness({ loops: false });
process.send!({ url: h.url, agents });
answerProbes();
process.on('disconnect', () => {
  void h
    .close()
    .then(() => t.drop())
    .finally(() => process.exit(0));
});
