import { route } from '@/lib/http/route';
import { createAgentSchema } from '@/lib/agents/schemas';
import { createAgent } from '@/lib/agents/service';
import { agentTable, agentTableQuery } from '@/lib/agents/table';

export const GET = route({ query: agentTableQuery }, ({ db, principal, query }) => agentTable(db, principal, query));

export const POST = route({ body: createAgentSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createAgent(db, principal, body),
);
