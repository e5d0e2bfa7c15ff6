import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { consoleCookie } from '@/test/console-cookie';
import { PATCH as deptPATCH } from './departments/[id]/route';
import { GET as meGET } from './me/route';

let t: TestDb;
let cookie: string;
beforeAll(async () => {
  t = await createTestDb();
  const admin = await makeUser(t.db, 'super-admin');
  ({ cookie } = await consoleCookie(t.db, admin));
});
afterAll(() => t.drop());

describe('CSRF on cookie-authenticated REST writes', () => {
  const patch = (headers: Record<string, string>) =>
    deptPATCH(
      request('PATCH', '/api/v1/departments/marketing', {
        body: { description: 'csrf test' },
        headers: { cookie, host: 'localhost', ...headers },
      }),
      params({ id: 'marketing' }),
    );

  it('the console session cookie works for reads and same-origin writes', async () => {
    expect((await meGET(request('GET', '/api/v1/me', { headers: { cookie } }))).status).toBe(200);
    expect((await patch({ origin: 'http://localhost' })).status).toBe(200);
  });

  it('refuses a write whose Origin names another site (cross-site request forgery)', async () => {
    expect((await patch({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await patch({ origin: 'null' })).status).toBe(403);
  });
});
