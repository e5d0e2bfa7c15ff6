import { route } from '@/lib/http/route';
import { progressSchema, taskIdParams } from '@/lib/tasks/schemas';
import { agentProgress } from '@/lib/tasks/agent-actions';

export const POST = route({ params: taskIdParams, body: progressSchema }, ({ db, principal, params, body }) =>
  agentProgress(db, principal, params.id, body.progress),
);
