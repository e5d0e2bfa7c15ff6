import { describe, expect, it } from 'vitest';
import { refuseBadCallbackUrl } from './callback-url';

const req = (path: string, cookie?: string) => ({ url: `http://localhost:3000${path}`, headers: new Headers(cookie ? { cookie } : {}) });

describe('a malformed callbackUrl on the Auth.js routes', () => {
  it('is answered 400, not with a 500 "server configuration" page, when it is no http(s) URL', async () => {
    for (const bad of ['evil.example.com/x', 'javascript:alert(1)', 'ftp://evil.example.com/']) {
      const res = refuseBadCallbackUrl(req(`/api/auth/error?callbackUrl=${encodeURIComponent(bad)}`))!;
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).detail).toMatch(/callbackUrl/);
    }
  });

  it('is answered 400 when planted in the callback cookie, and the cookie is cleared', () => {
    const res = refuseBadCallbackUrl(req('/api/auth/session', 'a=1; authjs.callback-url=javascript%3Aalert(1)'))!;
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toMatch(/^authjs\.callback-url=; Path=\/; Max-Age=0/);
  });

  it('is left to Auth.js when well formed: a path, this site, or another host (which Auth.js sends home)', () => {
    for (const ok of ['/tasks', 'http://localhost:3000/agents', 'https://evil.example.com/']) {
      expect(refuseBadCallbackUrl(req(`/api/auth/signin?callbackUrl=${encodeURIComponent(ok)}`)), ok).toBeUndefined();
    }
    expect(refuseBadCallbackUrl(req('/api/auth/session', 'authjs.callback-url=http%3A%2F%2Flocalhost%3A3000%2F'))).toBeUndefined();
    expect(refuseBadCallbackUrl(req('/api/auth/session'))).toBeUndefined();
  });
});
