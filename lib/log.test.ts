import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino, { type Logger } from 'pino';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { POST as token } from '@/app/api/v1/auth/token/route';
import { POST as refresh } from '@/app/api/v1/auth/refresh/route';
import { GET as me } from '@/app/api/v1/me/route';
import { batchedDestination, log, restoreLogger, scrub, setLogDestination, withLogContext } from './log';

const PASSWORD = 'log-test-password-9';

/** Every line the logger writes, as text, so the test sees exactly what would reach a log file. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

describe('structured logs', () => {
  let t: TestDb;
  let prev: Logger;
  const out = capture();

  beforeAll(async () => {
    t = await createTestDb({ adminPassword: PASSWORD });
    // trace: the most talkative level, so request bodies are logged too and must come out scrubbed.
    prev = setLogDestination(out.stream, 'trace');
  });
  afterAll(async () => {
    restoreLogger(prev);
    await t.drop();
  });

  it("never writes a login request's password or the tokens it answers; each line is JSON with a request id", async () => {
    const res = await token(
      request('POST', '/api/v1/auth/token', {
        body: { username: 'admin', password: PASSWORD },
        headers: { 'x-request-id': 'login-req-1' },
      }),
    );
    expect(res.status).toBe(200);
    const { accessToken, refreshToken } = (await res.json()) as { accessToken: string; refreshToken: string };
    const wrong = await token(request('POST', '/api/v1/auth/token', { body: { username: 'admin', password: 'not-the-password-1' } }));
    expect(wrong.status).toBe(401);
    const rotated = await refresh(request('POST', '/api/v1/auth/refresh', { body: { refreshToken } }));
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { accessToken: string; refreshToken: string };
    expect((await me(request('GET', '/api/v1/me', { token: accessToken }))).status).toBe(200);

    expect(out.lines.length).toBeGreaterThanOrEqual(4);
    const text = out.lines.join('\n');
    for (const secret of [PASSWORD, 'not-the-password-1', accessToken, refreshToken, next.accessToken, next.refreshToken]) {
      expect(text).not.toContain(secret);
    }
    const parsed = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of parsed) expect(line.requestId).toEqual(expect.any(String));
    // The body was logged (at debug) — with the credential replaced — under the id the client sent.
    const input = parsed.find((l) => l.msg === 'request input' && l.requestId === 'login-req-1') as { body: Record<string, unknown> };
    expect(input.body).toEqual({ username: 'admin', password: '[redacted]' });
    expect(parsed.find((l) => l.msg === 'request' && l.requestId === 'login-req-1')).toMatchObject({
      status: 200,
      path: '/api/v1/auth/token',
    });
  });

  it('carries the context into anything logged underneath, without passing it along', async () => {
    out.lines.length = 0;
    await withLogContext({ requestId: 'sock-1', event: 'task:complete' }, async () => {
      await Promise.resolve();
      log().info({ headers: { authorization: 'Bearer abc.def.ghi', cookie: 'authjs.session-token=x' } }, 'deep');
    });
    const line = JSON.parse(out.lines[0]);
    expect(line).toMatchObject({
      requestId: 'sock-1',
      event: 'task:complete',
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
    });
  });

  it('scrubs secrets at any depth and bearer tokens inside strings', () => {
    expect(scrub({ a: { b: [{ otp: '123456', refreshToken: 'r', keep: 'x' }] }, note: 'sent Bearer eyJhbGc.x.y' })).toEqual({
      a: { b: [{ otp: '[redacted]', refreshToken: '[redacted]', keep: 'x' }] },
      note: 'sent Bearer [redacted]',
    });
  });
});

describe('batched log writes', () => {
  it('hold a short line back, then write it within the flush interval, not once 4 KiB have gathered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecs-log-'));
    const file = path.join(dir, 'out.log');
    const dest = batchedDestination(file, 200);
    await new Promise((resolve) => dest.once('ready', resolve));
    try {
      pino(dest).info('bootstrap super-admin created (shown once)');
      expect(readFileSync(file, 'utf8')).toBe('');
      let text = '';
      for (let i = 0; i < 50 && !text; i++) {
        await new Promise((r) => setTimeout(r, 50));
        text = readFileSync(file, 'utf8');
      }
      expect(text).toContain('bootstrap super-admin created (shown once)');
    } finally {
      dest.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
