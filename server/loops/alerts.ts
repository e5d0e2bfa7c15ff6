import { getDb } from '@/db/client';
import { evaluateAlerts } from '@/lib/alerts/engine';
import { log } from '@/lib/log';
import type { Job } from '../jobs/registry';

/** Evaluates the alert rules every 15 s; one process raises and resolves for the cluster. */
export function alertJob(everyMs = 15_000): Job {
  return {
    name: 'alerts',
    scope: 'once-per-cluster',
    everyMs,
    housekeeping: true,
    run: async () => {
      const { raised, resolved } = await evaluateAlerts(getDb());
      for (const a of raised) log().info(`alert raised: ${a.message}`);
      for (const a of resolved) log().info(`alert resolved: ${a.message}`);
    },
  };
}
