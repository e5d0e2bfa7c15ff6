import { afterEach, describe, expect, it } from 'vitest';
import { setDbHandle, type Db } from '@/db/client';
import { route } from './route';

afterEach(() => {
  delete process.env.DB_STATEMENT_TIMEOUT;
  setDbHandle(undefined);
});

describe('route() deadline', () => {
  it('answers 503 with Retry-After when the work never settles (a hung database call)', async () => {
    process.env.DB_STATEMENT_TIMEOUT = '100';
    setDbHandle({ db: {} as Db, engine: 'postgres', close: async () => {} });
    const hung = route({ auth: false }, () => new Promise(() => {}));
    const started = performance.now();
    const res = await hung(new Request('http://localhost/api/v1/x'));
    const ms = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(ms).toBeGreaterThanOrEqual(195);
    expect(ms).toBeLessThan(2000);
  });

  it('answers normally when the work settles in time', async () => {
    process.env.DB_STATEMENT_TIMEOUT = '100';
    setDbHandle({ db: {} as Db, engine: 'postgres', close: async () => {} });
    const quick = route({ auth: false }, async () => ({ ok: true }));
    const res = await quick(new Request('http://localhost/api/v1/x'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
