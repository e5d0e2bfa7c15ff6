import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbWithAdmin } from '@/test/admin';
import type { TestDb } from '@/test/test-db';
import securityHeaders from '@/lib/http/security-headers.json';
import { createApiDoor } from './api-door';

// The production server's door, as server/index.ts sets it up: Auth.js's routes left to Next.
let t: TestDb;
let token: string;
let server: Server;
let base: string;
beforeAll(async () => {
  ({ t, token } = await testDbWithAdmin());
  const door = createApiDoor({ skip: (path) => path.startsWith('/api/auth/') });
  server = createServer((req, res) => {
    if (!door.serve(req, res)) res.writeHead(418).end('next would answer');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t.drop();
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe('API door', () => {
  it('serves a route() handler: JSON, request id, query, the security headers Next adds to pages', async () => {
    const res = await fetch(`${base}/api/v1/departments`, { headers: { ...auth(), 'x-request-id': 'door-test-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toBe('door-test-1');
    for (const [k, v] of Object.entries(securityHeaders)) expect(res.headers.get(k)).toBe(v);
    expect((await res.json()).items).toHaveLength(10);
    const query = await fetch(`${base}/api/v1/tasks?status=bogus`, { headers: auth() });
    expect(query.status).toBe(400);
    expect((await query.json()).errors[0].path).toBe('status');
  });

  it('creates through POST with a body, and refuses a bad one with a 4xx problem', async () => {
    const ok = await fetch(`${base}/api/v1/tasks`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'door', departmentId: 'legal', type: 'review' }),
    });
    expect(ok.status).toBe(201);
    expect((await ok.json()).status).toBe('pending');
    const bad = await fetch(`${base}/api/v1/tasks`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect((await bad.json()).detail).toBe('Malformed JSON body');
  });

  it('answers 413 past 1 MiB, declared or streamed, and closes the connection instead of draining the rest', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(1_100_000) });
    const res = await fetch(`${base}/api/v1/tasks`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    // No Content-Length: the limit is found while reading, and the answer still arrives.
    const chunked = await new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      const req = request(
        `${base}/api/v1/tasks`,
        { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (r) => {
          r.resume();
          resolve({ status: r.statusCode, connection: r.headers.connection });
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(big.slice(i * 60_000, (i + 1) * 60_000));
      req.end();
    });
    expect(chunked).toEqual({ status: 413, connection: 'close' });
  });

  it('answers 401 without credentials, 404 for an id of the wrong shape, 400 for a malformed escape', async () => {
    expect((await fetch(`${base}/api/v1/tasks`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/tasks/not-a-uuid`, { headers: auth() })).status).toBe(404);
    const badEscape = await fetch(`${base}/api/v1/tasks/%E0%A4%A`, { headers: auth() });
    expect(badEscape.status).toBe(400);
  });

  it('HEAD is GET without a body; OPTIONS and a method the route lacks list the allowed ones', async () => {
    const head = await fetch(`${base}/api/v1/departments`, { method: 'HEAD', headers: auth() });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const options = await fetch(`${base}/api/v1/tasks`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const put = await fetch(`${base}/api/v1/tasks`, { method: 'PUT', headers: auth() });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('serves plain handlers (health) with a web Request, and leaves Auth.js and unknown paths to Next', async () => {
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${base}/api/auth/session`)).status).toBe(418);
    expect((await fetch(`${base}/api/v1/nothing-here`)).status).toBe(418);
    expect((await fetch(`${base}/tasks`)).status).toBe(418);
  });

  it('answers 400, not 500, to a malformed Host header on a call with a query string', async () => {
    const withHost = (host: string) =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/api/v1/tasks?limit=5`, { headers: { ...auth(), host }, setHost: false }, (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const host of ['a b', '[::1', '%00', 'x/y', 'a@b']) {
      const res = await withHost(host);
      expect(res.status, host).toBe(400);
      expect(JSON.parse(res.body).detail).toBe('Malformed Host header');
    }
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:8080', 'ecs.example.com'])
      expect((await withHost(host)).status, host).toBe(200);
  });
});
