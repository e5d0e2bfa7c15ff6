import { SignJWT, jwtVerify, errors } from 'jose';
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

export async function verifyToken<T extends AccessClaims | AgentClaims>(token: string, typ: T['typ']): Promise<T> {
  try {
    const { payload } = await jwtVerify(token, derivedKey(typ), { algorithms: ['HS256'] });
    if (payload.typ !== typ || typeof payload.sub !== 'string') throw unauthorized('Wrong kind of token');
    return payload as unknown as T;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw unauthorized('Token expired');
    if (err instanceof errors.JOSEError) throw unauthorized('Invalid token');
    throw err;
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
