/**
 * The series stored in metric_samples, one row per minute per department (departmentId null =
 * the whole system). `kind` says how a series combines: counts add up across departments and
 * become per-minute rates over a bucket; levels add across departments and average over time;
 * ratios and percentiles average (they can't be summed).
 */
export const seriesKinds = {
  tasks_created: 'count',
  tasks_assigned: 'count',
  tasks_completed: 'count',
  tasks_failed: 'count',
  tasks_dead: 'count',
  bus_messages: 'count',
  queue_depth: 'level',
  agents_idle: 'level',
  agents_busy: 'level',
  agents_draining: 'level',
  agents_offline: 'level',
  resource_allocated: 'level',
  resource_capacity: 'level',
  assign_latency_p50: 'ratio',
  assign_latency_p95: 'ratio',
  assign_latency_p99: 'ratio',
  resource_use: 'ratio',
} as const;

export type SeriesName = keyof typeof seriesKinds;
export const seriesNames = Object.keys(seriesKinds) as SeriesName[];
