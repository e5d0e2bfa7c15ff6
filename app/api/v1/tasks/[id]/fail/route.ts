import { route } from '@/lib/http/route';
import { failSchema, taskIdParams } from '@/lib/tasks/schemas';
import { agentFail } from '@/lib/tasks/agent-actions';

export const POST = route({ params: taskIdParams, body: failSchema }, ({ db, principal, params, body }) =>
  agentFail(db, principal, params.id, body.error, body.retryable),
);
