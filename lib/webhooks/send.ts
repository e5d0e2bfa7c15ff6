import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { env } from '../env';
import { hostOf, isAllowedAddress, parseTarget, pinnedLookup, RefusedTarget } from './target';

/** What a receiver may send back that we read; the rest is discarded unread. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type SendResult = { ok: boolean; status: number | null; latencyMs: number; error: string | null; body: string };

/**
 * One signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature over
 * `${id}.${timestamp}.${body}`). Success is a 2xx. `trusted`: the operator's own ALERT_WEBHOOK_URL,
 * which may name a private address whatever WEBHOOK_ALLOW_PRIVATE says. Redirects are not followed (3xx is a failure):
 * following one would let a public receiver point the server at its own network. Never throws.
 */
export async function sendSigned(opts: {
  url: string;
  secret: string;
  id: string;
  body: string;
  now?: Date;
  trusted?: boolean;
}): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, 'latencyMs'>): SendResult => ({ ...r, latencyMs: Math.round(performance.now() - started) });
  try {
    const url = parseTarget(opts.url);
    // An address literal never reaches the resolver, so it is checked here.
    const host = hostOf(url);
    if (!opts.trusted && isIP(host) && !isAllowedAddress(host))
      throw new RefusedTarget(`${host} is a private, loopback or link-local address`);
    const now = opts.now ?? new Date();
    const signature = new Webhook(opts.secret).sign(opts.id, now, opts.body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'ecs-webhooks/1',
      'webhook-id': opts.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    const res = await post(url, headers, opts.body, env().WEBHOOK_TIMEOUT_MS, !!opts.trusted);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? `Redirect (${res.status}) not followed` : `HTTP ${res.status}`;
    return done({ ok, status: res.status, error, body: res.body });
  } catch (err) {
    return done({ ok: false, status: null, error: (err as Error).message || String(err), body: '' });
  }
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  trusted: boolean,
): Promise<{ status: number; body: string }> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        ...(trusted ? {} : { lookup: pinnedLookup }),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(c.subarray(0, MAX_RESPONSE_BYTES - size));
          size += c.length;
          // Enough read: the rest is not worth the wait or the memory.
          if (size >= MAX_RESPONSE_BYTES) {
            finish();
            res.destroy();
          }
        });
        const finish = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        };
        res.on('end', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`No answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
