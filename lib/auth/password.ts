import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../errors';
import { commonPasswords } from './common-passwords';

// argon2id, run on libuv's thread pool so hashing never blocks the event loop.
const options = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Verifying against a throw-away hash makes an unknown user take as long as a wrong password. */
export async function burnVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword('not-a-real-password-' + Math.random());
  await verifyPassword(await dummy, password);
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
