import { bullmq } from './bullmq';
import { graphileWorker } from './graphile-worker';
import { ours } from './ours';
import { pgBoss } from './pg-boss';
import type { QueueSystem, Settings } from './types';

/** Every system in the comparison, by the key run-one.ts takes. Ours first: the ratios divide by the others.
 * ours-sdk is ours again with the agents as users write them (lib/agent-sdk). */
export const systems: Record<string, (s: Settings) => QueueSystem> = {
  ours: (s) => ours(s),
  'ours-sdk': (s) => ours(s, 'sdk'),
  'pg-boss': (s) => pgBoss(s, false),
  'pg-boss-notified': (s) => pgBoss(s, true),
  'graphile-worker': (s) => graphileWorker(s),
  bullmq: (s) => bullmq(s),
};
