import { getDbHandle } from '@/db/client';
import type { AgentsNamespace } from '../bus/agents-namespace';
import { runJobs, type Job } from '../jobs/registry';
import { coordinatorJobs } from './coordinator';
import { auditChainJob } from './audit-chain';
import { resourceJobs } from './resources';
import { monitoringJobs } from './monitoring';
import { scheduleJob } from './schedules';

export type Loops = { stop: () => void };

/** Every background job of the server, each declared with its name, interval and scope. */
export function serverJobs(agents: AgentsNamespace): Job[] {
  return [...coordinatorJobs(agents), auditChainJob(), ...resourceJobs(), ...monitoringJobs(), scheduleJob()];
}

/** Background work that outlives requests; each job stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  // On the embedded database this process makes every write, so jobs polling for due work can
  // rest while none happens (Job.idle); processes sharing Postgres can't see each other's.
  return runJobs(serverJobs(agents), undefined, { quiet: getDbHandle()?.engine === 'pglite' });
}
