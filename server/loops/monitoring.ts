import { env } from '@/lib/env';
import type { Job } from '../jobs/registry';
import { alertJob } from './alerts';
import { metricsLiveJobs } from './metrics-live';
import { metricsRollupJobs } from './metrics-rollup';

/** Live dashboard pushes, the per-minute roll-up into metric_samples, and alert evaluation. */
export function monitoringJobs(): Job[] {
  // DASHBOARD_PUSH=false lets bench/dashboard.ts measure the server with pushes off against on.
  return [...metricsLiveJobs({ enabled: env().DASHBOARD_PUSH }), ...metricsRollupJobs(), alertJob()];
}
