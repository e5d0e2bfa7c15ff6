import type { TaskRow } from '@/db/queries/tasks';

export const DEFAULT_LEASE_MS = 60_000;
/**
 * The lease tells a lost agent from a live one and nothing else: heart-beats renew it. A task's
 * `timeout` is a separate hard limit per attempt (lib/lifecycle/lifecycle.ts, timeOutTask). A lease of
 * the timeout's length expired between coarse renewals and requeued a live agent's task without
 * counting an attempt, and a long one left a lost agent's task stuck for as long.
 */
export const leaseMsOf = (_task?: Pick<TaskRow, 'timeoutMs'>) => DEFAULT_LEASE_MS;
