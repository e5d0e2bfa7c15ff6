import { hkdfSync } from 'node:crypto';
import { authSecret } from '../keys/secret';
import type { ChainKeys } from './chain';

type Derived = ChainKeys & { checkpoint: Uint8Array };
let cached: { secret: string; keys: Derived } | undefined;

/**
 * The audit keys, by HKDF-SHA256 from AUTH_SECRET: one for row MACs, one for chain hashes, one
 * for signing the checkpoint. Never written anywhere, so an attacker with only the database
 * can't make a row, a link or a checkpoint that verifies.
 */
export function auditKeys(): Derived {
  const secret = authSecret();
  if (cached?.secret === secret) return cached.keys;
  const derive = (purpose: string) => new Uint8Array(hkdfSync('sha256', secret, 'ecs-audit', `audit ${purpose} v1`, 32));
  const keys = { row: derive('row-mac'), chain: derive('chain-hash'), checkpoint: derive('checkpoint') };
  cached = { secret, keys };
  return keys;
}
