import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { roles, securityEventSeverities } from '../vocabulary';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: roles }).notNull(),
    departmentIds: text('department_ids').array().notNull().default(sql`'{}'::text[]`),
    disabled: boolean('disabled').notNull().default(false),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    // Bumped on password or role change and on "sign out everywhere": older tokens stop working.
    sessionVersion: integer('session_version').notNull().default(1),
    mfaEnabled: boolean('mfa_enabled').notNull().default(false),
    mfaSecretEnc: text('mfa_secret_enc'),
    // Set at enrolment, moved to mfaSecretEnc once the user proves it with a code.
    mfaPendingSecretEnc: text('mfa_pending_secret_enc'),
    recoveryCodeHashes: text('recovery_code_hashes').array().notNull().default(sql`'{}'::text[]`),
    // The TOTP time step of the last accepted code: only a later step is accepted (no replay).
    lastTotpStep: bigint('last_totp_step', { mode: 'number' }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    knownIps: text('known_ips').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_username_unique').on(t.username)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    // Optional narrowing of the owner's permissions; never widens them.
    permissions: text('permissions').array(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Requests per minute this token may make (lib/quotas/tokens.ts); null: no limit.
    quotaRequestsPerMinute: integer('quota_requests_per_minute'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('refresh_tokens_hash').on(t.tokenHash), index('refresh_tokens_family').on(t.familyId)],
);

/**
 * One row per console sign-in (the Auth.js session cookie names it): the cookie itself is a
 * stateless JWT, so signing out ends the row and every door refuses the saved cookie.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    // Single sign-on: the identity provider asserted MFA (its `amr` claim), so the MFA policy is met.
    idpMfa: boolean('idp_mfa').notNull().default(false),
    // Single sign-on without MFA from the provider, for a user enrolled here: every door refuses the
    // session until the user gives their one-time code (app/login/verify).
    mfaPending: boolean('mfa_pending').notNull().default(false),
  },
  (t) => [index('console_sessions_user').on(t.userId)],
);

/**
 * A user's single sign-on identities: the provider's issuer and subject name one person for good
 * (an e-mail address can change hands), so a returning user is found by this link first.
 */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'sso_identities_issuer_subject_pk', columns: [t.issuer, t.subject] }),
    index('sso_identities_user').on(t.userId),
  ],
);

/**
 * Append-only; each row carries a keyed MAC of its content (written with it) and, once chained,
 * a keyed hash over the previous row's hash, its id and its MAC, so an edit, deletion or forged row
 * shows. Rows are inserted with the write they record (no lock, one commit) and chained in id
 * order moments later by one chainer (lib/audit/chain-writer.ts): until then prev_hash/hash are null.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    departmentId: text('department_id'),
    ip: text('ip'),
    outcome: text('outcome', { enum: ['success', 'denied', 'failure'] }).notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** HMAC of the row's content under a key derived from AUTH_SECRET, written with the row; null on rows from before migration 0007. */
    mac: text('mac'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  // No index may mention hash or prev_hash: the chainer's update then stays heap-only, in the room
  // fillfactor 40 leaves on each page (migration 0004; drizzle has no table storage options).
  (t) => [
    index('audit_at').on(t.at),
    index('audit_actor').on(t.actorId, t.at),
    index('audit_action').on(t.action, t.at),
    uniqueIndex('audit_mac').on(t.mac),
  ],
);

export const securityEvents = pgTable(
  'security_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: securityEventSeverities }).notNull(),
    userId: uuid('user_id'),
    username: text('username'),
    ip: text('ip'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('security_events_at').on(t.at)],
);

/** Idempotency-Key replays: same principal, key and body answer the stored result. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principalId: text('principal_id').notNull(),
    key: text('key').notNull(),
    route: text('route').notNull(),
    bodyHash: text('body_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('idempotency_principal_key').on(t.principalId, t.key)],
);

/** System-wide settings changed at run time (e.g. roles that must use MFA). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/**
 * Failed logins per unknown username, counted exactly like an account's own failed_attempts and
 * locked_until, so a name that doesn't exist answers 423 after as many failures as one that does.
 */
export const loginNameFailures = pgTable(
  'login_name_failures',
  {
    username: text('username').primaryKey(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_name_failures_updated').on(t.updatedAt)],
);

/**
 * No longer written (the limiters moved to rate_limits in migration 0012); kept for one release so
 * a process of the previous version in a rolling upgrade still finds it.
 */
export const authThrottle = pgTable(
  'auth_throttle',
  {
    key: text('key').primaryKey(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [index('auth_throttle_window').on(t.windowStart)],
);

/**
 * Fixed-window counters of rate-limiter-flexible kept in the database (lib/quotas/db-store.ts):
 * login and agent-secret throttles, and quota rates when there is no Redis. `expire` null: never.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull(),
    expire: timestamp('expire', { withTimezone: true }),
  },
  (t) => [index('rate_limits_expire').on(t.expire)],
);
