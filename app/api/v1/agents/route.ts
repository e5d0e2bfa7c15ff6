import { route } from '@/lib/http/route';
import { createAgentSchema, listAgentsQuery } from '@/lib/agents/schemas';
import { createAgent, listAgents } from '@/lib/agents/service';

export const GET = route({ query: listAgentsQuery }, ({ db, principal, query }) => listAgents(db, principal, query));

export const POST = route({ body: createAgentSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createAgent(db, principal, body),
);
