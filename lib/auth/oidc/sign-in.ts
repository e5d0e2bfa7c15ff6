import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import type { UserRow } from '@/db/queries/users';
import { recordSuccessfulLogin } from '@/db/queries/users';
import { existingDepartmentIds } from '@/db/queries/user-admin';
import { findUserBySsoIdentity, insertSsoUser, linkSsoIdentity, ssoSubjectOf, touchSsoIdentity } from '@/db/queries/sso';
import { findUserByUsername } from '@/db/queries/users';
import { audit } from '../../audit/log';
import { detectNewIpLogin } from '../../security/detect';
import { recordLogin } from '../../metrics/record';
import { log } from '../../log';
import { hashPassword } from '../password';
import { usernameSchema } from '../schemas';
import { claimValues, mapRoleClaim } from './role-map';
import type { OidcProviderSettings } from './settings';

/** Why a single sign-on was refused; the login page explains each (app/login/refused). */
export const ssoRefusals = [
  'invalid-claims',
  'unknown-user',
  'not-mapped',
  'unknown-department',
  'no-username',
  'username-taken',
  'email-linked-elsewhere',
  'disabled',
] as const;
export type SsoRefusal = (typeof ssoRefusals)[number];

export type SsoSignIn =
  | { ok: true; user: UserRow; how: 'subject' | 'email' | 'created'; idpMfa: boolean; mfaPending: boolean }
  | { ok: false; reason: SsoRefusal };

/** `amr` values that say the provider checked a second factor. */
const MFA_METHODS = new Set(['mfa', 'otp']);

/**
 * Decides who a provider's validated ID token claims sign in as, and audits the answer either way.
 *
 * The subject link (issuer + `sub`) is asked first; then a verified e-mail address that is an
 * account's username, which links the subject for next time. Anyone else is created only when the
 * provider's settings allow it and its role claim has a value the mapping names. A disabled user
 * is refused whatever the provider says.
 */
export async function ssoSignIn(
  db: Db,
  provider: OidcProviderSettings,
  claims: Record<string, unknown>,
  ctx: { ip?: string } = {},
): Promise<SsoSignIn> {
  const subject = typeof claims.sub === 'string' && claims.sub.length > 0 && claims.sub.length <= 255 ? claims.sub : undefined;
  const issuer = typeof claims.iss === 'string' && claims.iss ? claims.iss : provider.issuer;
  const email = verifiedEmail(claims);
  const idpMfa = claimValues(claims.amr).some((m) => MFA_METHODS.has(m));
  const base = { provider: provider.id, issuer, subject: subject ?? null, ...(email ? { email } : {}) };
  const refuse = async (reason: SsoRefusal, user?: UserRow, extra: Record<string, unknown> = {}): Promise<SsoSignIn> => {
    recordLogin('failure');
    const actor = user
      ? { kind: 'user' as const, id: user.id, name: user.username, ip: ctx.ip }
      : { kind: 'anonymous' as const, name: email ?? subject, ip: ctx.ip };
    await audit(db, actor, {
      action: 'auth.sso',
      outcome: 'denied',
      targetType: user ? 'user' : undefined,
      targetId: user?.id,
      detail: { ...base, reason, ...extra },
    });
    return { ok: false, reason };
  };
  if (!subject) return refuse('invalid-claims');
  const key = { issuer, subject };

  let how: 'subject' | 'email' | 'created' = 'subject';
  let user = await findUserBySsoIdentity(db, key);
  if (!user && email) {
    const byEmail = await findUserByUsername(db, email);
    if (byEmail) {
      if (byEmail.disabled) return refuse('disabled', byEmail);
      if (!(await linkSsoIdentity(db, { ...key, userId: byEmail.id, email }))) {
        // Linked by a sign-in running at the same time, or the account has another subject here.
        user = await findUserBySsoIdentity(db, key);
        if (!user) return refuse('email-linked-elsewhere', byEmail, { linkedSubject: await ssoSubjectOf(db, byEmail.id, issuer) });
      } else {
        user = byEmail;
        how = 'email';
      }
    }
  }
  let created: Record<string, unknown> = {};
  if (!user) {
    if (!provider.autoCreate) return refuse('unknown-user');
    const mapped = mapRoleClaim(provider.roleMap, claims[provider.roleClaim]);
    if (!mapped)
      return refuse('not-mapped', undefined, { claim: provider.roleClaim, values: claimValues(claims[provider.roleClaim]).slice(0, 20) });
    const known = await existingDepartmentIds(db, mapped.departmentIds);
    const missing = mapped.departmentIds.filter((d) => !known.includes(d));
    if (missing.length) return refuse('unknown-department', undefined, { claimValue: mapped.claimValue, missing });
    const username = newUsername(claims, email);
    if (!username) return refuse('no-username');
    // Nobody signs in with this password: it only fills the column (the user has no password sign-in).
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    user = await insertSsoUser(db, { username, passwordHash, role: mapped.role, departmentIds: mapped.departmentIds }, { ...key, email });
    // Lost a race: a sign-in at the same time created the user and the link.
    user ??= await findUserBySsoIdentity(db, key);
    if (!user) return refuse('username-taken', undefined, { username });
    how = 'created';
    created = { role: user.role, departmentIds: user.departmentIds, claimValue: mapped.claimValue };
  }
  if (user.disabled) return refuse('disabled', user);
  if (how === 'subject') await touchSsoIdentity(db, { ...key, email });

  // The MFA policy binds single sign-on too: an enrolled user owes their code unless the provider
  // asserted MFA; a role that must enrol is held at enrolment (lib/auth/principal.ts) unless it did.
  const mfaPending = user.mfaEnabled && !idpMfa;
  await detectNewIpLogin(db, user, ctx.ip).catch((err) => log().error({ err }, 'threat detection failed'));
  await recordSuccessfulLogin(db, user.id, ctx.ip);
  recordLogin(mfaPending ? 'mfa-required' : 'success');
  await audit(
    db,
    { kind: 'user', id: user.id, name: user.username, ip: ctx.ip },
    {
      action: 'auth.sso',
      targetType: 'user',
      targetId: user.id,
      departmentId: how === 'created' ? (user.departmentIds[0] ?? null) : undefined,
      detail: { ...base, matchedBy: how, idpMfa, mfaPending, ...created },
    },
  );
  return { ok: true, user, how, idpMfa, mfaPending };
}

/** Only an address the provider says it verified may reach an existing account. */
function verifiedEmail(claims: Record<string, unknown>): string | undefined {
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (!verified || typeof claims.email !== 'string') return undefined;
  const email = claims.email.trim().toLowerCase();
  return usernameSchema.safeParse(email).success ? email : undefined;
}

/** A new user's username: the verified address, else the provider's preferred username. */
function newUsername(claims: Record<string, unknown>, email: string | undefined): string | undefined {
  for (const candidate of [email, claims.preferred_username]) {
    if (typeof candidate !== 'string') continue;
    const parsed = usernameSchema.safeParse(candidate);
    if (parsed.success) return parsed.data.toLowerCase();
  }
  return undefined;
}
