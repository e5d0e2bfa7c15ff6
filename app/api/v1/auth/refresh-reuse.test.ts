import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { securityEvents } from '@/db/schema/auth';
import { POST as tokenPOST } from './token/route';
import { POST as refreshPOST } from './refresh/route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const refresh = (refreshToken: string) =>
  refreshPOST(request('POST', '/api/v1/auth/refresh', { body: { refreshToken }, headers: { 'x-ecs-client-ip': '10.30.0.1' } }));

describe('refresh token reuse', () => {
  it("a refresh token replayed in parallel revokes its whole family, the winner's new token included", async () => {
    const user = await makeUser(t.db, 'readonly', [], 'refresh-race');
    for (let round = 0; round < 5; round++) {
      const login = await tokenPOST(
        request('POST', '/api/v1/auth/token', {
          body: { username: user.username, password: TEST_PASSWORD },
          headers: { 'x-ecs-client-ip': '10.30.0.1' },
        }),
      );
      expect(login.status).toBe(200);
      const { refreshToken } = await login.json();
      const answers = await Promise.all([refresh(refreshToken), refresh(refreshToken), refresh(refreshToken)]);
      const winners = answers.filter((r) => r.status === 200);
      // The compare-and-swap lets exactly one use through; the others are the replay.
      expect(winners).toHaveLength(1);
      expect(answers.filter((r) => r.status === 401)).toHaveLength(2);
      const child = (await winners[0].json()).refreshToken as string;
      expect((await refresh(child)).status).toBe(401);
    }
    const events = await t.db.select().from(securityEvents).where(eq(securityEvents.userId, user.id));
    expect(events.filter((e) => e.kind === 'refresh-token-reuse').length).toBeGreaterThanOrEqual(5);
  });

  it('a refresh token used once keeps working through its rotations', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'refresh-chain');
    const login = await tokenPOST(
      request('POST', '/api/v1/auth/token', {
        body: { username: user.username, password: TEST_PASSWORD },
        headers: { 'x-ecs-client-ip': '10.30.0.2' },
      }),
    );
    let token = (await login.json()).refreshToken as string;
    for (let i = 0; i < 3; i++) {
      const r = await refresh(token);
      expect(r.status).toBe(200);
      token = (await r.json()).refreshToken;
    }
  });
});
