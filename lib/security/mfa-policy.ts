import { findUserById, userMfaEnabled } from '@/db/queries/users';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { roles, type Role } from '@/db/vocabulary';
import { audit } from '../audit/log';
import { authorize, type Principal } from '../permissions/rbac';
import { env } from '../env';
import { readSetting, writeSetting } from '@/db/queries/settings';
import { recentRows } from '@/db/queries/recent';

const KEY = 'security.mfaRequiredRoles';

export const mfaPolicySchema = z.object({ requiredRoles: z.array(z.enum(roles)).max(roles.length) }).strict();
export type MfaPolicy = z.infer<typeof mfaPolicySchema>;

// Every authenticated request asks for the policy (lib/auth/principal.ts): kept for a second, so
// a role added to it binds sessions and tokens already held within that second in every process.
const POLICY_CACHE_MS = 1_000;
const recentPolicy = recentRows<{ roles: Role[] }>(POLICY_CACHE_MS, 1);

/** The roles that must use MFA (empty when MFA is switched off with ENABLE_MFA=false). */
export async function mfaRequiredRoles(db: Db): Promise<Role[]> {
  if (!env().ENABLE_MFA) return [];
  const hit = await recentPolicy.get(KEY, async () => {
    const value = await readSetting<unknown>(db, KEY, []);
    const parsed = z.array(z.enum(roles)).safeParse(value);
    return { roles: parsed.success ? parsed.data : [] };
  });
  return hit?.roles ?? [];
}

export async function mfaRequiredFor(db: Db, role: Role): Promise<boolean> {
  return (await mfaRequiredRoles(db)).includes(role);
}

export async function getMfaPolicy(db: Db, principal: Principal): Promise<MfaPolicy & { mfaAvailable: boolean }> {
  authorize(principal, 'user:read');
  return { requiredRoles: await mfaRequiredRoles(db), mfaAvailable: env().ENABLE_MFA };
}

export async function setMfaPolicy(db: Db, principal: Principal, input: MfaPolicy): Promise<MfaPolicy> {
  authorize(principal, 'settings:update');
  const requiredRoles = [...new Set(input.requiredRoles)];
  await writeSetting(db, KEY, requiredRoles, principal.id);
  recentPolicy.forget(KEY);
  await audit(db, principal, { action: 'settings.mfa-policy', targetType: 'setting', targetId: KEY, detail: { requiredRoles } });
  return { requiredRoles };
}

/** True while a user whose role must use MFA hasn't enrolled: the console shows only the enrolment page. */
export async function mustEnrolMfa(db: Db, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'user' || !(await mfaRequiredFor(db, principal.role))) return false;
  return (await userMfaEnabled(db, principal.id)) === false;
}

/** The caller's own MFA state, for the enrolment page: enrolled yet, and whether their role must be. */
export async function myMfaStatus(db: Db, principal: Principal): Promise<{ enrolled: boolean; required: boolean }> {
  const user = principal.kind === 'agent' ? undefined : await findUserById(db, principal.id);
  return { enrolled: !!user?.mfaEnabled, required: user ? await mfaRequiredFor(db, user.role) : false };
}
