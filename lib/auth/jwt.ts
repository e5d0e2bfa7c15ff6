import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { unauthorized } from '../errors';
import { derivedKey } from './secret';

export type AccessClaims = { sub: string; typ: 'access'; sv: number };
export type AgentClaims = { sub: string; typ: 'agent'; dept: string };

export async function signToken(claims: AccessClaims | AgentClaims, expiresInSeconds: number): Promise<string> {
  return new SignJWT({ typ: claims.typ, ...('sv' in claims ? { sv: claims.sv } : { dept: claims.dept }) })
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
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthorized('Invalid token');
  const [header, body, signature] = parts;
  if (readPart(header)?.alg !== 'HS256') throw unauthorized('Invalid token');
  const expected = createHmac('sha256', derivedKey(typ)).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('Invalid token');
  const payload = readPart(body);
  if (!payload) throw unauthorized('Invalid token');
  if (typeof payload.exp !== 'number' || payload.exp <= Math.floor(Date.now() / 1000)) throw unauthorized('Token expired');
  if (payload.typ !== typ || typeof payload.sub !== 'string') throw unauthorized('Wrong kind of token');
  return payload as unknown as T;
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
