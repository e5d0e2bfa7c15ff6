import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../errors';
import { commonPasswords } from './common-passwords';
import { recordPasswordCheck } from '../metrics/record';

// argon2id, run on libuv's thread pool so hashing never blocks the event loop.
const options = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  recordPasswordCheck();
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * A throw-away hash made with the same argon2 parameters as every real one: login verifies an
 * unknown username's password against it, so that path does the very same work as a real account.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(`not-a-real-password-${randomBytes(16).toString('hex')}`);
  return dummy;
}

export function checkPasswordPolicy(password: string, minLength: number, username?: string): void {
  const problems: { path: string; message: string }[] = [];
  if (password.length < minLength) problems.push({ path: 'password', message: `Must be at least ${minLength} characters` });
  if (password.length > 256) problems.push({ path: 'password', message: 'Must be at most 256 characters' });
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) problems.push({ path: 'password', message: 'Is one of the most common passwords' });
  if (username && lower.includes(username.toLowerCase())) problems.push({ path: 'password', message: 'Must not contain the username' });
  if (problems.length) throw badRequest('Password does not meet the policy', problems);
}
