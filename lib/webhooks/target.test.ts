import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../env';
import { checkTarget, isAllowedAddress } from './target';
import { sendSigned } from './send';
import { startReceiver } from '../../test/webhook-receiver';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const send = (url: string) => sendSigned({ url, secret, id: 'msg_1', body: '{}' });

beforeEach(() => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  resetEnvCache();
});
afterAll(() => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  resetEnvCache();
});

describe('request forgery guard', () => {
  it.each([
    ['loopback', '127.0.0.1'],
    ['another loopback', '127.8.9.10'],
    ['private 10/8', '10.1.2.3'],
    ['private 172.16/12', '172.20.0.1'],
    ['private 192.168/16', '192.168.1.1'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['unspecified', '0.0.0.0'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 unique-local', 'fd00::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['NAT64-wrapped private', '64:ff9b::a00:1'],
    ['multicast', '224.0.0.1'],
  ])('refuses %s (%s)', (_n, address) => {
    expect(isAllowedAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14'])(
    'allows the public address %s',
    (address) => {
      expect(isAllowedAddress(address)).toBe(true);
    },
  );

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.5/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://localhost/hook',
    'ftp://example.com/hook',
  ])('refuses to register %s', async (url) => {
    await expect(checkTarget(url)).rejects.toThrow();
  });

  it('refuses at delivery a loopback address and a host name resolving to one, sending nothing', async () => {
    const r = await startReceiver();
    try {
      for (const url of [
        `http://127.0.0.1:${r.port}/hook`,
        `http://localhost:${r.port}/hook`,
        `http://[::ffff:127.0.0.1]:${r.port}/hook`,
      ]) {
        const out = await send(url);
        expect(out.ok).toBe(false);
        expect(out.error).toMatch(/private, loopback or link-local/);
      }
      expect(r.received).toHaveLength(0);
    } finally {
      await r.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed delivery and its target hears nothing', async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    resetEnvCache();
    const inside = await startReceiver();
    const redirecting = await startReceiver(() => 307);
    try {
      const out = await send(redirecting.url);
      expect(out).toMatchObject({ ok: false, status: 307 });
      expect(out.error).toMatch(/Redirect/);
      expect(inside.received).toHaveLength(0);
    } finally {
      await inside.close();
      await redirecting.close();
    }
  });

  it('WEBHOOK_ALLOW_PRIVATE=true opens private targets', async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    resetEnvCache();
    const r = await startReceiver();
    try {
      await expect(checkTarget(`http://localhost:${r.port}/hook`)).resolves.toBeInstanceOf(URL);
      expect((await send(`http://localhost:${r.port}/hook`)).ok).toBe(true);
    } finally {
      await r.close();
    }
  });

  it('reads at most 64 KiB of an answer and gives up after WEBHOOK_TIMEOUT_MS', async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    process.env.WEBHOOK_TIMEOUT_MS = '300';
    resetEnvCache();
    const http = await import('node:http');
    const server = http.createServer((req, res) => {
      if (req.url === '/big') res.end('x'.repeat(1024 * 1024));
      // /slow never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const big = await send(`http://127.0.0.1:${port}/big`);
      expect(big.ok).toBe(true);
      expect(big.body.length).toBe(64 * 1024);
      const slow = await send(`http://127.0.0.1:${port}/slow`);
      expect(slow).toMatchObject({ ok: false, status: null });
      expect(slow.error).toMatch(/300 ms/);
    } finally {
      delete process.env.WEBHOOK_TIMEOUT_MS;
      server.closeAllConnections();
      server.close();
    }
  });
});
