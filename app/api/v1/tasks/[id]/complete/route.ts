import { route } from '@/lib/http/route';
import { completeSchema, taskIdParams } from '@/lib/tasks/schemas';
import { agentComplete } from '@/lib/tasks/agent-actions';

export const POST = route({ params: taskIdParams, body: completeSchema }, ({ db, principal, params, body }) =>
  agentComplete(db, principal, params.id, body.result),
);
