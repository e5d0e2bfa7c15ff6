import { route } from '@/lib/http/route';
import { agentIdParams, agentTokenSchema } from '@/lib/agents/schemas';
import { issueAgentToken } from '@/lib/agents/service';

// The agent's secret is its credential here, so no bearer token is needed.
export const POST = route({ auth: false, params: agentIdParams, body: agentTokenSchema }, ({ db, params, body, ip }) =>
  issueAgentToken(db, params.id, body.secret, ip),
);
