import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The audit chain's arithmetic: plain functions of plain data, also run inside worker threads
 * (node: imports only).
 */
export type AuditFields = {
  at: Date;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  departmentId: string | null;
  ip: string | null;
  outcome: 'success' | 'denied' | 'failure';
  detail: Record<string, unknown>;
};

/** The two keys a verifier needs; derived from AUTH_SECRET (keys.ts), never stored in the database. */
export type ChainKeys = { row: Uint8Array; chain: Uint8Array };

export const GENESIS_HASH = '0'.repeat(64);
const MAC_VERSION = 'v1';

/** JSON with sorted keys: jsonb reorders keys, so a hash must not depend on order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function body(row: AuditFields): string {
  return canonicalJson({ ...rowFields(row), at: row.at.toISOString() });
}

/**
 * `v1.<nonce>.<HMAC(nonce, content)>`: proves the server (a holder of AUTH_SECRET) wrote this
 * content. The random nonce makes every MAC unique, so a copied row collides on the unique index.
 */
export function rowMac(key: Uint8Array, row: AuditFields, nonce = randomBytes(12).toString('base64url')): string {
  const tag = createHmac('sha256', key).update(nonce).update('\n').update(body(row)).digest('base64url');
  return `${MAC_VERSION}.${nonce}.${tag}`;
}

export function macValid(key: Uint8Array, mac: string | null, row: AuditFields): boolean {
  if (!mac) return false;
  const [v, nonce, tag] = mac.split('.');
  if (v !== MAC_VERSION || !nonce || !tag) return false;
  return sameText(rowMac(key, row, nonce), mac);
}

/** A chained row's hash: keyed, over the previous hash, the row's id and its MAC (so its content too). */
export function chainHash(key: Uint8Array, prevHash: string, id: number, mac: string): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(String(id)).update('\n').update(mac).digest('hex');
}

/** Rows chained before migration 0007: unkeyed SHA-256 over the previous hash and the content. */
export function legacyHash(prevHash: string, row: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(body(row)).digest('hex');
}

export function rowFields(row: AuditFields): AuditFields {
  return {
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    departmentId: row.departmentId,
    ip: row.ip,
    outcome: row.outcome,
    detail: row.detail,
  };
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
