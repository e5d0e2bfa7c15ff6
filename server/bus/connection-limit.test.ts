import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { makeUser } from '@/test/users';
import { resetEnvCache } from '@/lib/env';
import { startHarness, type Harness } from '../../test/harness';
import { admission, type Admission } from '../../test/socket-admits';
import { waitFor } from '../../sim/fleet';

let t: TestDb;
let h: Harness;
let token: string;
const open: Admission[] = [];
beforeAll(async () => {
  process.env.MAX_CONNECTIONS = '3';
  resetEnvCache();
  t = await createTestDb();
  h = await startHarness({ loops: false });
  token = (await makeUser(t.db, 'readonly')).token;
});
afterAll(async () => {
  open.forEach((a) => a.socket.close());
  await h.close();
  await t.drop();
  delete process.env.MAX_CONNECTIONS;
  resetEnvCache();
});

describe('MAX_CONNECTIONS', () => {
  it('refuses connections past the limit with a connect_error that says so, and admits again once one leaves', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await admission(`${h.url}/console`, { token });
      open.push(a);
      expect(a.admitted).toBe(true);
    }
    const refused = await admission(`${h.url}/console`, { token });
    refused.socket.close();
    expect(refused.admitted).toBe(false);
    expect(refused.data).toMatchObject({ status: 503 });
    expect(refused.message).toMatch(/limit of 3 connections/);
    // Agents are counted in the same budget; a bad token makes no difference: the limit answers first.
    const agent = await admission(`${h.url}/agents`, { token: 'x'.repeat(20) });
    agent.socket.close();
    expect(agent.data).toMatchObject({ status: 503 });

    open.pop()!.socket.close();
    await waitFor(() => h.io.engine.clientsCount < 3, 10_000);
    const again = await admission(`${h.url}/console`, { token });
    open.push(again);
    expect(again.admitted).toBe(true);
  });
});
