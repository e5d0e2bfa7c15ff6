import { route } from '@/lib/http/route';
import { agentIdParams, agentTokenSchema } from '@/lib/agents/schemas';
import { exchangeAgentSecret } from '@/lib/auth/agent-token-guard';

// The agent's secret is its credential here, so no bearer token is needed.
export const POST = route({ auth: false, params: agentIdParams, body: agentTokenSchema }, ({ db, params, body, ip }) =>
  exchangeAgentSecret(db, params.id, body.secret, ip),
);
