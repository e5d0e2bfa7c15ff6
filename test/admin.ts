import { POST as tokenPOST } from '@/app/api/v1/auth/token/route';
import { request } from './http';
import { createTestDb, type TestDb } from './test-db';

const ADMIN_PASSWORD = 'bootstrap-password-9';

/** A fresh test database and an access token for its seeded admin, got from POST /api/v1/auth/token as a script gets one. */
export async function testDbWithAdmin(): Promise<{ t: TestDb; token: string }> {
  const t = await createTestDb({ adminPassword: ADMIN_PASSWORD });
  const res = await tokenPOST(request('POST', '/api/v1/auth/token', { body: { username: 'admin', password: ADMIN_PASSWORD } }));
  if (res.status !== 200) throw new Error(`admin login answered ${res.status}`);
  return { t, token: (await res.json()).accessToken };
}
