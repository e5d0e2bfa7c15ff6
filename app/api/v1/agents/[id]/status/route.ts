import { route } from '@/lib/http/route';
import { agentIdParams } from '@/lib/agents/schemas';
import { getAgentStatus } from '@/lib/agents/service';

export const GET = route({ params: agentIdParams }, ({ db, principal, params }) => getAgentStatus(db, principal, params.id));
