import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { unauthorized } from '../errors';
import { derivedKey } from './secret';

/** `fam`: the refresh-token family the access token was issued with; revoking the family ends it. */
export type AccessClaims = { sub: string; typ: 'access'; sv: number; fam?: string };
/** `cv`: the agent's credential version when issued; a secret rotation bumps it (absent = 1). */
export type AgentClaims = { sub: string; typ: 'agent'; dept: string; cv?: number };

export async function signToken(claims: AccessClaims | AgentClaims, expiresInSeconds: number): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(derivedKey(claims.typ));
}

/**
 * Verifies a token this service signed (HS256 with a per-purpose key). Done with node:crypto's
 * HMAC rather than jose: WebCrypto runs each verify as an async job, about 5% of the server's
 * CPU on the task-create path, where every request carries a token. Stricter than jose's
 * defaults: the header must say HS256 and an expiry is required.
 */
export async function verifyToken<T extends AccessClaims | AgentClaims>(token: string, typ: T['typ']): Promise<T> {
  const key = derivedKey(typ);
  const payload = signedBy(token, key);
  if (typeof payload.exp !== 'number' || payload.exp <= Math.floor(Date.now() / 1000)) throw unauthorized('Token expired');
  if (payload.typ !== typ || typeof payload.sub !== 'string') throw unauthorized('Wrong kind of token');
  return payload as unknown as T;
}

/**
 * Tokens whose signature checked out, with the key that checked it: a script or an agent sends
 * the same token with every call, and the HMAC plus two base64 decodes per request showed in
 * profiles. Only the signature is remembered; expiry and kind are checked on every call, and a
 * new secret (another key) misses.
 */
const verified = new Map<string, { key: Uint8Array; payload: Record<string, unknown> }>();
const VERIFIED_MAX = 10_000;

function signedBy(token: string, key: Uint8Array): Record<string, unknown> {
  const known = verified.get(token);
  if (known?.key === key) return known.payload;
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthorized('Invalid token');
  const [header, body, signature] = parts;
  if (readPart(header)?.alg !== 'HS256') throw unauthorized('Invalid token');
  // Compared as text in the canonical encoding: base64url decoding forgives padding, standard
  // base64's '+/' and stray low bits of the last character, so decoded bytes would let one
  // signature be spelled several ways (a token that differs from the one issued still passing).
  const expected = Buffer.from(createHmac('sha256', key).update(`${header}.${body}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('Invalid token');
  const payload = readPart(body);
  if (!payload) throw unauthorized('Invalid token');
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(token, { key, payload: Object.freeze(payload) });
  return payload;
}

function readPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The kind of a bearer token, read from its header without verifying it. */
export function peekTokenType(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.typ;
  } catch {
    return undefined;
  }
}
