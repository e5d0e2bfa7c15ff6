import type { Db } from '@/db/client';
import { take } from './limiter';
import { rateQuotaExceeded } from './errors';

export const tokenKey = (tokenId: string) => `requests-per-minute:${tokenId}`;

/**
 * Every request made with an API token that has a requestsPerMinute quota takes one point of it
 * (shared by every process), after the token is known good and before anything else: past it,
 * 429 naming the quota. A token without the quota costs nothing here.
 */
export async function takeTokenRequest(db: Db, tokenId: string, requestsPerMinute: number | null): Promise<void> {
  if (requestsPerMinute === null) return;
  const t = await take(db, tokenKey(tokenId), { points: requestsPerMinute, durationSec: 60 });
  if (!t.granted) throw rateQuotaExceeded('requestsPerMinute', requestsPerMinute, t.retryAfter, { tokenId });
}
