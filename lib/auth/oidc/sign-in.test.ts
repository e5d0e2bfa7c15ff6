import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { authenticator } from 'otplib';
import { createTestDb, type TestDb } from '@/test/test-db';
import { makeUser } from '@/test/users';
import { principalOf } from '@/test/principals';
import { auditLog, ssoIdentities, users } from '@/db/schema/auth';
import { updateUserRow } from '@/db/queries/user-admin';
import { setMfaPolicy } from '../../security/mfa-policy';
import { principalForConsoleSession } from '../principal';
import { startConsoleSession } from '../console-sessions';
import { encryptSecret } from '../../keys/crypto';
import { parseRoleMap } from './role-map';
import type { OidcProviderSettings } from './settings';
import { ssoSignIn } from './sign-in';
import { verifySsoStepUp } from './step-up';

const ISSUER = 'https://idp.example.test';
const provider = (over: Partial<OidcProviderSettings> = {}): OidcProviderSettings => ({
  id: 'oidc',
  prefix: 'OIDC_',
  name: 'Example IdP',
  issuer: ISSUER,
  clientId: 'ecs',
  clientSecret: 'secret',
  autoCreate: false,
  roleClaim: 'groups',
  roleMap: parseRoleMap(
    '{"ecs-auditors":{"role":"auditor"},"eng":{"role":"readonly","departments":["engineering"]},"owners":{"role":"super-admin"}}',
  ),
  scope: 'openid email profile',
  ...over,
});
const autoCreate = provider({ autoCreate: true });
let n = 0;
const claims = (over: Record<string, unknown> = {}) => ({ iss: ISSUER, sub: `sub-${++n}-${Date.now()}`, ...over });

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

async function lastSsoAudit() {
  const [row] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.sso')).orderBy(desc(auditLog.id)).limit(1);
  return row;
}

describe('single sign-on: who the claims sign in as', () => {
  it('refuses an unknown user when accounts are not created on first sign-in, and audits provider and subject', async () => {
    const c = claims({ email: 'nobody@example.test', email_verified: true, groups: ['eng'] });
    expect(await ssoSignIn(t.db, provider(), c, { ip: '10.0.0.9' })).toEqual({ ok: false, reason: 'unknown-user' });
    const row = await lastSsoAudit();
    expect(row).toMatchObject({ outcome: 'denied', actorType: 'anonymous', ip: '10.0.0.9' });
    expect(row.detail).toMatchObject({ provider: 'oidc', issuer: ISSUER, subject: c.sub, reason: 'unknown-user' });
    expect(await t.db.select().from(users).where(eq(users.username, 'nobody@example.test'))).toEqual([]);
  });

  it('creates a user with the role and departments its claim maps to, then finds it again by subject', async () => {
    const c = claims({ email: 'Eve@Example.test', email_verified: true, groups: ['sales', 'eng'] });
    const first = await ssoSignIn(t.db, autoCreate, c);
    expect(first).toMatchObject({
      ok: true,
      how: 'created',
      user: { username: 'eve@example.test', role: 'readonly', departmentIds: ['engineering'] },
    });
    expect((await lastSsoAudit()).detail).toMatchObject({
      provider: 'oidc',
      subject: c.sub,
      matchedBy: 'created',
      role: 'readonly',
      claimValue: 'eng',
    });
    // The address changed at the provider: the subject still names the same user.
    const again = await ssoSignIn(t.db, provider(), { ...c, email: 'eve.new@example.test' });
    expect(again).toMatchObject({ ok: true, how: 'subject' });
    expect(again.ok && first.ok && again.user.id === first.user.id).toBe(true);
  });

  it('refuses to create a user whose claim the mapping does not name, and never makes a super-admin unasked', async () => {
    expect(await ssoSignIn(t.db, autoCreate, claims({ email: 'sam@example.test', email_verified: true, groups: ['sales'] }))).toEqual({
      ok: false,
      reason: 'not-mapped',
    });
    expect((await lastSsoAudit()).detail).toMatchObject({ reason: 'not-mapped', claim: 'groups', values: ['sales'] });
    expect(await ssoSignIn(t.db, autoCreate, claims({ preferred_username: 'root-wannabe', groups: ['super-admin', 'admin'] }))).toEqual({
      ok: false,
      reason: 'not-mapped',
    });
    expect(await ssoSignIn(t.db, autoCreate, claims({ preferred_username: 'no-groups' }))).toEqual({ ok: false, reason: 'not-mapped' });
    const owner = await ssoSignIn(t.db, autoCreate, claims({ preferred_username: 'platform-owner', groups: ['owners'] }));
    expect(owner).toMatchObject({ ok: true, user: { role: 'super-admin' } });
  });

  it('refuses a mapping that names a department that does not exist', async () => {
    const p = provider({ autoCreate: true, roleMap: parseRoleMap('{"eng":{"role":"readonly","departments":["no-such-dept"]}}') });
    expect(await ssoSignIn(t.db, p, claims({ preferred_username: 'dept-less', groups: ['eng'] }))).toEqual({
      ok: false,
      reason: 'unknown-department',
    });
  });

  it('matches an existing account by a verified e-mail address and links the subject; an unverified one reaches nobody', async () => {
    const user = await makeUser(t.db, 'department-coordinator', ['engineering'], 'carol@example.test');
    const unverified = await ssoSignIn(t.db, provider(), claims({ email: 'carol@example.test', email_verified: false }));
    expect(unverified).toEqual({ ok: false, reason: 'unknown-user' });
    const c = claims({ email: 'carol@example.test', email_verified: true, groups: ['owners'] });
    const matched = await ssoSignIn(t.db, provider(), c);
    // An existing account keeps its own role: the mapping only shapes accounts it creates.
    expect(matched).toMatchObject({ ok: true, how: 'email', user: { id: user.id, role: 'department-coordinator' } });
    const [link] = await t.db
      .select()
      .from(ssoIdentities)
      .where(and(eq(ssoIdentities.issuer, ISSUER), eq(ssoIdentities.subject, c.sub)));
    expect(link.userId).toBe(user.id);
    // Another subject at the same provider with that address (reassigned) does not reach the account.
    expect(await ssoSignIn(t.db, provider(), claims({ email: 'carol@example.test', email_verified: true }))).toEqual({
      ok: false,
      reason: 'email-linked-elsewhere',
    });
  });

  it('refuses a disabled user even though the provider vouches for them, by subject and by e-mail', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'dan@example.test');
    const c = claims({ email: 'dan@example.test', email_verified: true });
    expect(await ssoSignIn(t.db, provider(), c)).toMatchObject({ ok: true });
    await updateUserRow(t.db, user.id, { disabled: true });
    expect(await ssoSignIn(t.db, provider(), c)).toEqual({ ok: false, reason: 'disabled' });
    const row = await lastSsoAudit();
    expect(row).toMatchObject({ outcome: 'denied', actorType: 'user', actorId: user.id, targetId: user.id });
    expect(row.detail).toMatchObject({ reason: 'disabled', subject: c.sub, provider: 'oidc' });
    const other = await makeUser(t.db, 'readonly', [], 'dina@example.test');
    await updateUserRow(t.db, other.id, { disabled: true });
    expect(await ssoSignIn(t.db, provider(), claims({ email: 'dina@example.test', email_verified: true }))).toEqual({
      ok: false,
      reason: 'disabled',
    });
  });

  it('creates one user when the same first sign-in arrives twice at once', async () => {
    const c = claims({ email: 'twice@example.test', email_verified: true, groups: ['eng'] });
    const results = await Promise.all(Array.from({ length: 6 }, () => ssoSignIn(t.db, autoCreate, c)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => r.ok && r.user.id)).size).toBe(1);
    expect(await t.db.select().from(users).where(eq(users.username, 'twice@example.test'))).toHaveLength(1);
  });
});

describe('single sign-on and the MFA policy', () => {
  it('holds a role that must use MFA at enrolment unless the provider asserted MFA', async () => {
    await setMfaPolicy(t.db, principalOf('super-admin'), { requiredRoles: ['auditor'] });
    const plain = await ssoSignIn(t.db, autoCreate, claims({ preferred_username: 'aud-plain', groups: ['ecs-auditors'], amr: ['pwd'] }));
    const strong = await ssoSignIn(
      t.db,
      autoCreate,
      claims({ preferred_username: 'aud-strong', groups: ['ecs-auditors'], amr: ['pwd', 'mfa'] }),
    );
    if (!plain.ok || !strong.ok) throw new Error('sign-in refused');
    expect([plain.idpMfa, strong.idpMfa]).toEqual([false, true]);
    const session = async (r: typeof plain & { ok: true }) => ({
      uid: r.user.id,
      sv: r.user.sessionVersion,
      sid: await startConsoleSession(t.db, r.user.id, { idpMfa: r.idpMfa, mfaPending: r.mfaPending }),
    });
    await expect(principalForConsoleSession(t.db, await session(plain))).rejects.toMatchObject({
      status: 401,
      extra: { mfaEnrollmentRequired: true },
    });
    await expect(principalForConsoleSession(t.db, await session(strong))).resolves.toMatchObject({ id: strong.user.id, role: 'auditor' });
    await setMfaPolicy(t.db, principalOf('super-admin'), { requiredRoles: [] });
  });

  it('asks an enrolled user for their one-time code unless the provider asserted MFA, and then lets them in', async () => {
    const secret = authenticator.generateSecret(20);
    const user = await makeUser(t.db, 'readonly', [], 'erin@example.test');
    await updateUserRow(t.db, user.id, { mfaEnabled: true, mfaSecretEnc: encryptSecret(secret) });
    const c = claims({ email: 'erin@example.test', email_verified: true });
    const viaOtp = await ssoSignIn(t.db, provider(), { ...c, amr: ['otp'] });
    expect(viaOtp).toMatchObject({ ok: true, idpMfa: true, mfaPending: false });
    const plain = await ssoSignIn(t.db, provider(), { ...c, amr: 'pwd' });
    expect(plain).toMatchObject({ ok: true, idpMfa: false, mfaPending: true });
    const sid = await startConsoleSession(t.db, user.id, { mfaPending: true });
    const cookie = { uid: user.id, sv: user.sessionVersion, sid };
    await expect(principalForConsoleSession(t.db, cookie)).rejects.toMatchObject({ status: 401, extra: { mfaCodeRequired: true } });
    // Not even enrolment opens before the code.
    await expect(principalForConsoleSession(t.db, cookie, { mfaEnrolment: true })).rejects.toMatchObject({
      extra: { mfaCodeRequired: true },
    });
    expect(await verifySsoStepUp(t.db, { userId: user.id, sessionId: sid }, '000000')).toBe('bad-code');
    expect(await verifySsoStepUp(t.db, { userId: user.id, sessionId: sid }, authenticator.generate(secret))).toBe('verified');
    await expect(principalForConsoleSession(t.db, cookie)).resolves.toMatchObject({ id: user.id });
    expect(await verifySsoStepUp(t.db, { userId: user.id, sessionId: sid }, authenticator.generate(secret))).toBe('not-pending');
  });

  it('ends the sign-in once wrong codes lock the account', async () => {
    const secret = authenticator.generateSecret(20);
    const user = await makeUser(t.db, 'readonly', [], 'fred@example.test');
    await updateUserRow(t.db, user.id, { mfaEnabled: true, mfaSecretEnc: encryptSecret(secret) });
    const sid = await startConsoleSession(t.db, user.id, { mfaPending: true });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await verifySsoStepUp(t.db, { userId: user.id, sessionId: sid }, '000000'));
    expect(answers).toEqual(['bad-code', 'bad-code', 'bad-code', 'bad-code', 'locked', 'not-pending']);
    await expect(principalForConsoleSession(t.db, { uid: user.id, sv: user.sessionVersion, sid })).rejects.toMatchObject({ status: 401 });
  });
});
