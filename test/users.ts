import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import type { Role } from '../db/vocabulary';
import { insertUser, type UserRow } from '../db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import { signToken } from '@/lib/keys/jwt';

export const TEST_PASSWORD = 'correct-horse-battery-9';
let hashed: Promise<string> | undefined;

/** A user of a role (and departments) with TEST_PASSWORD, and an access token for it. */
export async function makeUser(
  db: Db,
  role: Role,
  departmentIds: string[] = [],
  username = `${role}-${randomBytes(3).toString('hex')}`,
): Promise<UserRow & { token: string }> {
  hashed ??= hashPassword(TEST_PASSWORD);
  const user = await insertUser(db, { username, passwordHash: await hashed, role, departmentIds });
  return { ...user, token: await accessTokenFor(user) };
}

export function accessTokenFor(user: Pick<UserRow, 'id' | 'sessionVersion'>): Promise<string> {
  return signToken({ sub: user.id, typ: 'access', sv: user.sessionVersion }, 3600);
}
