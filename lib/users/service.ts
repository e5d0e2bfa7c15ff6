import type { Db } from '@/db/client';
import { findUserById, insertUser, type UserRow } from '@/db/queries/users';
import { deleteUserRow, existingDepartmentIds, listUserRows, updateUserRow } from '@/db/queries/user-admin';
import { findDepartment } from '@/db/queries/departments';
import type { Role } from '@/db/vocabulary';
import { audit } from '../audit/log';
import { checkPasswordPolicy, hashPassword } from '../auth/password';
import {
  authorize,
  canGrantRole,
  departmentFilter,
  isGlobal,
  managesAllDepartmentsOf,
  OutOfScope,
  roleLevels,
  type Principal,
} from '../permissions/rbac';
import { endAllSessions } from '../auth/session-tokens';
import { env } from '../env';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../errors';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput } from './schemas';
import { toPublicUser, type PublicUser } from './view';

export async function listUsers(
  db: Db,
  principal: Principal,
  q: ListUsersQuery,
): Promise<{ items: PublicUser[]; nextCursor: string | null }> {
  authorize(principal, 'user:read');
  const rows = await listUserRows(
    db,
    { departmentIds: departmentFilter(principal), q: q.q, role: q.role, departmentId: q.departmentId },
    q.cursor,
    q.limit + 1,
  );
  const items = rows.slice(0, q.limit).map(toPublicUser);
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].username : null };
}

export async function getUser(db: Db, principal: Principal, id: string): Promise<PublicUser> {
  authorize(principal, 'user:read');
  return toPublicUser(await loadVisible(db, principal, id));
}

export async function createUser(db: Db, principal: Principal, input: CreateUserInput): Promise<PublicUser> {
  authorize(principal, 'user:create');
  return toPublicUser(await addUser(db, principal, input, 'user.create'));
}

/** `registerDepartmentCoordinator`: a coordinator of one department, made by that department's admin. */
export async function registerCoordinator(
  db: Db,
  principal: Principal,
  departmentId: string,
  input: { username: string; password: string },
): Promise<PublicUser> {
  authorize(principal, 'department:coordinators', { departmentId, what: 'Department' });
  if (!(await findDepartment(db, departmentId))) throw notFound('Department');
  const user = await addUser(
    db,
    principal,
    { ...input, role: 'department-coordinator', departmentIds: [departmentId] },
    'department.coordinator-register',
  );
  return toPublicUser(user);
}

export async function updateUser(db: Db, principal: Principal, id: string, input: UpdateUserInput): Promise<PublicUser> {
  authorize(principal, 'user:update');
  const user = await loadVisible(db, principal, id);
  assertOutranks(principal, user);
  assertManagesWholly(principal, user);
  const self = user.id === principal.id;
  const set: Parameters<typeof updateUserRow>[2] = {};
  if (input.role && input.role !== user.role) {
    // Nobody changes their own role: it would let the last super-admin lock everyone out.
    if (self) throw unprocessable('You cannot change your own role');
    assertCanGrant(principal, input.role);
    set.role = input.role;
  }
  if (input.departmentIds) set.departmentIds = await nextDepartments(db, principal, user.departmentIds, input.departmentIds);
  if (input.disabled !== undefined) {
    if (self && input.disabled) throw unprocessable('You cannot disable your own account');
    set.disabled = input.disabled;
  }
  if (input.password) {
    checkPasswordPolicy(input.password, env().PASSWORD_MIN_LENGTH, user.username);
    set.passwordHash = await hashPassword(input.password);
  }
  if (input.unlock) Object.assign(set, { failedAttempts: 0, lockedUntil: null });
  if (input.resetMfa) Object.assign(set, { mfaEnabled: false, mfaSecretEnc: null, mfaPendingSecretEnc: null, recoveryCodeHashes: [] });
  const updated = (await updateUserRow(db, id, set)) ?? notFoundThrow();
  // A new password or role (or a disabled account) must not leave old sessions and tokens alive.
  const endSessions = !!set.role || !!set.passwordHash || set.disabled === true;
  if (endSessions) await endAllSessions(db, id);
  const departmentId = user.departmentIds[0] ?? null;
  const changed = Object.keys(input).filter((k) => k !== 'password');
  if (input.password) changed.push('password');
  await audit(db, principal, {
    action: 'user.update',
    targetType: 'user',
    targetId: id,
    departmentId,
    detail: { username: user.username, changed, sessionsEnded: endSessions },
  });
  if (set.role)
    await audit(db, principal, {
      action: 'user.role-change',
      targetType: 'user',
      targetId: id,
      departmentId,
      detail: { username: user.username, from: user.role, to: set.role },
    });
  if (set.passwordHash)
    await audit(db, principal, {
      action: 'user.password-reset',
      targetType: 'user',
      targetId: id,
      departmentId,
      detail: { username: user.username },
    });
  return toPublicUser(updated);
}

export async function deleteUser(db: Db, principal: Principal, id: string): Promise<void> {
  authorize(principal, 'user:delete');
  const user = await loadVisible(db, principal, id);
  assertOutranks(principal, user);
  assertManagesWholly(principal, user);
  if (user.id === principal.id) throw unprocessable('You cannot delete your own account');
  if (!(await deleteUserRow(db, id))) throw notFound('User');
  await audit(db, principal, {
    action: 'user.delete',
    targetType: 'user',
    targetId: id,
    departmentId: user.departmentIds[0] ?? null,
    detail: { username: user.username, role: user.role },
  });
}

// helpers

async function addUser(db: Db, principal: Principal, input: CreateUserInput, action: string): Promise<UserRow> {
  assertCanGrant(principal, input.role);
  const departmentIds = await nextDepartments(db, principal, [], input.departmentIds);
  if (!isGlobal(principal) && departmentIds.length === 0)
    throw badRequest('Choose at least one of your departments', [{ path: 'departmentIds', message: 'Required' }]);
  checkPasswordPolicy(input.password, env().PASSWORD_MIN_LENGTH, input.username);
  const row = await insertUser(db, {
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    departmentIds,
  });
  if (!row) throw conflict(`The username '${input.username.toLowerCase()}' is taken`);
  await audit(db, principal, {
    action,
    targetType: 'user',
    targetId: row.id,
    departmentId: departmentIds[0] ?? null,
    detail: { username: row.username, role: row.role, departmentIds },
  });
  return row;
}

/** A scoped admin sees only users who share one of its departments; others look like unknown ids. */
async function loadVisible(db: Db, principal: Principal, id: string): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw notFound('User');
  if (!isGlobal(principal) && !user.departmentIds.some((d) => principal.departmentIds.includes(d))) throw new OutOfScope('User');
  return user;
}

/** Nobody manages a user at or above their own level, except a super-admin. */
function assertOutranks(principal: Principal, user: UserRow): void {
  if (principal.role === 'super-admin' || user.id === principal.id) return;
  if (roleLevels[user.role] >= roleLevels[principal.role]) throw forbidden(`You cannot manage a ${user.role}`);
}

/** Visible is not enough to manage: a user shared with a department the admin doesn't run is refused. */
function assertManagesWholly(principal: Principal, user: UserRow): void {
  if (user.id === principal.id || managesAllDepartmentsOf(principal, user.departmentIds)) return;
  throw forbidden(`You cannot manage ${user.username}: they also belong to departments outside yours`);
}

function assertCanGrant(principal: Principal, role: Role): void {
  if (!canGrantRole(principal, role)) throw forbidden(`You cannot grant the role ${role}`);
}

/**
 * A scoped admin adds and removes only its own departments; the user's other departments stay.
 * Every department must exist.
 */
async function nextDepartments(db: Db, principal: Principal, current: string[], requested: string[]): Promise<string[]> {
  const wanted = [...new Set(requested)];
  if (!isGlobal(principal)) {
    const foreign = wanted.filter((d) => !principal.departmentIds.includes(d));
    if (foreign.length) throw forbidden(`You can assign only your own departments (not ${foreign.join(', ')})`);
  }
  const known = await existingDepartmentIds(db, wanted);
  const unknown = wanted.filter((d) => !known.includes(d));
  if (unknown.length)
    throw badRequest(
      'Unknown departments',
      unknown.map((d) => ({ path: 'departmentIds', message: `No department '${d}'` })),
    );
  if (isGlobal(principal)) return wanted;
  const kept = current.filter((d) => !principal.departmentIds.includes(d));
  return [...kept, ...wanted];
}

function notFoundThrow(): never {
  throw notFound('User');
}
