import { route } from '@/lib/http/route';
import { agentIdParams, claimSchema } from '@/lib/agents/schemas';
import { claimTasks } from '@/lib/agents/claim';

export const POST = route(
  { params: agentIdParams, body: claimSchema, summary: 'An agent pulls its work (long poll)' },
  ({ db, principal, params, body }) => claimTasks(db, principal, params.id, body),
);
