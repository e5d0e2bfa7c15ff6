import { env } from '@/lib/env';
import { log as logger } from '@/lib/log';
import { startAlertLoop } from './alerts';
import { startMetricsLive } from './metrics-live';
import { startMetricsRollup } from './metrics-rollup';

const log = (m: string) => logger().info(m);

/** Live dashboard pushes, the per-minute roll-up into metric_samples, and alert evaluation. */
export function startMonitoring(): () => void {
  // DASHBOARD_PUSH=false lets bench/dashboard.ts measure the server with pushes off against on.
  const stops = [startMetricsLive({ enabled: env().DASHBOARD_PUSH }, log), startMetricsRollup(log), startAlertLoop(log)];
  return () => stops.forEach((s) => s());
}
