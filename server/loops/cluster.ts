import { getDb, getDbHandle } from '@/db/client';
import { beat, beatIntervalMs, leaveCluster } from '@/lib/cluster/processes';
import type { Job } from '../jobs/registry';

/**
 * Each process writes what only it counts (bus traffic, sockets, event loop, memory, jobs it
 * leads) into its cluster_processes row and reads the others', so any process can answer for the
 * cluster. Embedded PGlite belongs to one process: nothing to share there.
 */
export function clusterJobs(): Job[] {
  if (getDbHandle()?.engine !== 'postgres') return [];
  return [
    {
      name: 'cluster.heartbeat',
      scope: 'every-process',
      everyMs: beatIntervalMs(),
      firstDelayMs: 0,
      run: () => beat(getDb()),
      stop: () => leaveCluster(getDb()),
    },
  ];
}
