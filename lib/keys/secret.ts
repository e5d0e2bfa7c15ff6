import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * AUTH_SECRET from the settings, or one generated once and kept in DATA_DIR, so the embedded
 * default needs no settings and sessions survive a restart.
 */
export function ensureAuthSecret(dataDir: string): string {
  const given = process.env.AUTH_SECRET;
  if (given && given.length >= 32) return given;
  const file = path.resolve(dataDir, 'auth-secret');
  let secret: string;
  if (existsSync(file)) {
    secret = readFileSync(file, 'utf8').trim();
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    secret = randomBytes(48).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  process.env.AUTH_SECRET = secret;
  return secret;
}

export function authSecret(): string {
  const s = process.env.AUTH_SECRET;
  if (!s || s.length < 32) throw new Error('AUTH_SECRET is not set (the server sets it at start-up)');
  return s;
}

const derived = new Map<string, { secret: string; key: Uint8Array }>();

/**
 * A separate key per purpose, so a token of one kind can never be replayed as another. Kept per
 * secret: every request verifies a token, and hashing the secret each time showed in profiles.
 */
export function derivedKey(purpose: string): Uint8Array {
  const secret = authSecret();
  const known = derived.get(purpose);
  if (known?.secret === secret) return known.key;
  const key = new Uint8Array(createHash('sha256').update(`ecs:${purpose}:`).update(secret).digest());
  derived.set(purpose, { secret, key });
  return key;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
