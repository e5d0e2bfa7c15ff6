import { afterAll, beforeAll } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { resetEnvCache } from '@/lib/env';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { startHarness, type Harness } from './harness';
import { apiAs, type ApiClient } from '../sim/fleet';

export type FleetSuite = { t: TestDb; h: Harness; api: ApiClient; clients: AgentClient[] };

/**
 * The shared set-up of the integration tests: a fresh database, the harness server with its loops,
 * an admin API client, and the agents a test spawns (stopped afterwards). Heart-beats are short
 * (200 ms) so lost agents are noticed quickly.
 */
export function fleetSuite(adminPassword: string, opts: { heartbeatMs?: number } = {}): FleetSuite {
  const s = { clients: [] as AgentClient[] } as FleetSuite;
  beforeAll(async () => {
    process.env.HEARTBEAT_INTERVAL = String(opts.heartbeatMs ?? 200);
    resetEnvCache();
    s.t = await createTestDb({ adminPassword });
    s.h = await startHarness();
    s.api = await apiAs(s.h.url, 'admin', adminPassword);
  });
  afterAll(async () => {
    s.clients.forEach((c) => c.stop());
    await s.h?.close();
    await s.t?.drop();
    delete process.env.HEARTBEAT_INTERVAL;
    resetEnvCache();
  });
  return s;
}
