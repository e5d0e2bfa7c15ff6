import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { principalOf } from '@/test/principals';
import { securityEvents } from '@/db/schema/auth';
import { createAgent } from '@/lib/agents/service';
import { createAgentSchema } from '@/lib/agents/schemas';
import { agentSecretLimits } from '@/lib/auth/rate-limit';
import { POST as agentTokenPOST } from './route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const exchange = (agentId: string, secret: string, ip: string) =>
  agentTokenPOST(
    request('POST', `/api/v1/agents/${agentId}/token`, { body: { secret }, headers: { 'x-ecs-client-ip': ip } }),
    params({ id: agentId }),
  );

const newAgent = () =>
  createAgent(
    t.db,
    principalOf('super-admin'),
    createAgentSchema.parse({ departmentId: 'analytics', type: 'worker', specialization: 'reporting' }),
  );

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((m, s) => {
    m[s] = (m[s] ?? 0) + 1;
    return m;
  }, {});
const guessingEvents = async () => await t.db.select().from(securityEvents).where(eq(securityEvents.kind, 'agent-secret-guessing'));

describe('agent secret guessing', () => {
  it('parallel wrong secrets for one agent are cut off at the limit with 429 and one security event', async () => {
    const { limit } = agentSecretLimits.perAgent;
    const { credentials } = await newAgent();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => exchange(credentials.agentId, `wrong-secret-guess-${i}`, `10.50.0.${i + 1}`)),
    );
    // Even spread over many addresses, one agent's secret is checked at most `limit` times.
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: limit, 429: 40 - limit });
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).status).toBe(429);
    // The limit comes before the check, so the right secret waits too.
    expect((await exchange(credentials.agentId, credentials.secret, '10.50.1.1')).status).toBe(429);
    const events = (await guessingEvents()).filter(
      (e) => (e.detail as { agentId?: string }).agentId === credentials.agentId && (e.detail as { scope?: string }).scope === 'agent',
    );
    expect(events).toHaveLength(1);
    expect(events[0].severity).toBe('high');
  });

  it('parallel wrong secrets from one address across many agents are cut off at the address limit', async () => {
    const { limit } = agentSecretLimits.perAddress;
    const n = limit + 15;
    const answers = await Promise.all(Array.from({ length: n }, () => exchange(randomUUID(), 'wrong-secret-guess', '10.51.0.1')));
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: limit, 429: 15 });
    const events = (await guessingEvents()).filter((e) => e.ip === '10.51.0.1' && (e.detail as { scope?: string }).scope === 'address');
    expect(events).toHaveLength(1);
    // Another address and a known secret still get their token.
    const { credentials } = await newAgent();
    expect((await exchange(credentials.agentId, credentials.secret, '10.51.0.2')).status).toBe(200);
  });

  it('an agent with the right secret keeps getting tokens: a success gives its slot back', async () => {
    const { credentials } = await newAgent();
    for (let i = 0; i < 2 * agentSecretLimits.perAgent.limit; i++)
      expect((await exchange(credentials.agentId, credentials.secret, '10.52.0.1')).status).toBe(200);
  });
});
