import type { AgentsNamespace } from '../bus/agents-namespace';
import { runJobs, type Job } from '../jobs/registry';
import { coordinatorJobs } from './coordinator';
import { auditChainJob } from './audit-chain';
import { resourceJobs } from './resources';
import { monitoringJobs } from './monitoring';
import { scheduleJob } from './schedules';
import { webhookJobs } from './webhooks';
import { clusterJobs } from './cluster';

export type Loops = { stop: () => void };

/** Every background job of the server, each declared with its name, interval and scope. */
export function serverJobs(agents: AgentsNamespace): Job[] {
  return [
    ...coordinatorJobs(agents),
    auditChainJob(),
    ...resourceJobs(),
    ...monitoringJobs(),
    scheduleJob(),
    ...webhookJobs(),
    ...clusterJobs(),
  ];
}

/** Background work that outlives requests; each job stops on shutdown. */
export function startLoops(agents: AgentsNamespace): Loops {
  // Resting idle jobs (Job.idle, `quiet`) is meant for the embedded database, where this process
  // makes every write. Off for now: with it on, a task whose dependencies completed was not handed out
  // within 30 s (server/lifecycle.test.ts) and a round-robin split came out uneven
  // (server/coordinator.test.ts); not yet understood.
  return runJobs(serverJobs(agents), undefined, { quiet: false });
}
