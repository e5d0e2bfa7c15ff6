import type { Db } from '@/db/client';
import { deniedAccessCount, failedLoginNamesFromIp, refusedLoginsOn } from '@/db/queries/audit-counts';
import { securityEventSince } from '@/db/queries/security-events';
import type { Role } from '@/db/vocabulary';
import type { Principal } from '../permissions/rbac';
import { recordSecurityEvent } from './events';

/**
 * Thresholds. Each detector reads the audit log (the source of truth every process writes), so
 * detection works the same with one server process or several.
 */
export const detection = {
  // Attempts on one account, failures plus tries while locked: someone keeps going after the lockout.
  bruteForce: { attempts: 10, windowMs: 15 * 60_000 },
  // Distinct usernames failing from one IP: a list of leaked credentials being tried.
  credentialStuffing: { usernames: 5, windowMs: 10 * 60_000 },
  // Refusals (403 or out-of-scope 404) for one principal: probing for what it may reach.
  deniedBurst: { denials: 10, windowMs: 60_000 },
};

/** Roles whose login from an unseen address is worth a look. */
export const privilegedRoles: ReadonlySet<Role> = new Set(['super-admin', 'department-admin', 'department-coordinator', 'auditor']);

const since = (ms: number) => new Date(Date.now() - ms);

/** Called after every failed login (known or unknown user). */
export async function detectLoginFailure(db: Db, f: { userId?: string; username: string; ip?: string }): Promise<void> {
  await detectBruteForce(db, f);
  if (f.ip) {
    const { usernames, windowMs } = detection.credentialStuffing;
    const n = await failedLoginNamesFromIp(db, f.ip, since(windowMs));
    if (n >= usernames && !(await recentEvent(db, 'credential-stuffing', windowMs, { ip: f.ip }))) {
      await recordSecurityEvent(db, {
        kind: 'credential-stuffing',
        severity: 'critical',
        ip: f.ip,
        detail: { usernames: n, windowSeconds: windowMs / 1000 },
      });
    }
  }
}

/**
 * Attempts on one account; an unknown username is counted by its name, with the same query shape,
 * so the two paths take the same time and a login's speed doesn't tell whether the account exists.
 */
async function detectBruteForce(db: Db, f: { userId?: string; username: string; ip?: string }): Promise<void> {
  const { attempts, windowMs } = detection.bruteForce;
  const n = await refusedLoginsOn(db, f, since(windowMs));
  const who = f.userId ? { userId: f.userId } : { username: f.username };
  if (n >= attempts && !(await recentEvent(db, 'brute-force', windowMs, who))) {
    await recordSecurityEvent(db, {
      kind: 'brute-force',
      severity: 'high',
      userId: f.userId,
      username: f.username,
      ip: f.ip,
      detail: { attempts: n, windowSeconds: windowMs / 1000 },
    });
  }
}

/** Called after each audited refusal. */
export async function detectDeniedBurst(db: Db, principal: Principal): Promise<void> {
  const { denials, windowMs } = detection.deniedBurst;
  const n = await deniedAccessCount(db, principal.id, since(windowMs));
  if (n < denials) return;
  const userId = principal.kind === 'agent' ? undefined : principal.id;
  if (await recentEvent(db, 'denied-burst', windowMs, userId ? { userId } : { username: principal.name })) return;
  await recordSecurityEvent(db, {
    kind: 'denied-burst',
    severity: 'medium',
    userId,
    username: principal.name,
    ip: principal.ip,
    detail: { denials: n, windowSeconds: windowMs / 1000, principalKind: principal.kind, role: principal.role },
  });
}

/** Called on a successful login, before the address joins the user's known ones. */
export async function detectNewIpLogin(
  db: Db,
  user: { id: string; username: string; role: Role; knownIps: string[] },
  ip: string | undefined,
): Promise<void> {
  // The first login has nothing to compare with; it only teaches the first address.
  if (!ip || !privilegedRoles.has(user.role) || user.knownIps.length === 0 || user.knownIps.includes(ip)) return;
  await recordSecurityEvent(db, {
    kind: 'new-ip-login',
    severity: 'medium',
    userId: user.id,
    username: user.username,
    ip,
    detail: { role: user.role, knownIps: user.knownIps.length },
  });
}

/** One event per attack and window, not one per attempt. */
async function recentEvent(
  db: Db,
  kind: string,
  windowMs: number,
  who: { userId?: string; ip?: string; username?: string },
): Promise<boolean> {
  return securityEventSince(db, kind, who, since(windowMs));
}
