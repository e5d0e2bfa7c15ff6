import { route } from '@/lib/http/route';
import { agentIdParams, updateAgentSchema } from '@/lib/agents/schemas';
import { getAgent, retireAgent, updateAgent } from '@/lib/agents/service';

export const GET = route({ params: agentIdParams }, ({ db, principal, params }) => getAgent(db, principal, params.id));

export const PATCH = route({ params: agentIdParams, body: updateAgentSchema }, ({ db, principal, params, body }) =>
  updateAgent(db, principal, params.id, body),
);

/** Retires the agent: tasks re-queued, resources released. */
export const DELETE = route({ params: agentIdParams }, ({ db, principal, params }) => retireAgent(db, principal, params.id));
