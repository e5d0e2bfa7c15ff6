import { route } from '@/lib/http/route';
import { agentIdParams } from '@/lib/agents/schemas';
import { rotateAgentSecret } from '@/lib/agents/service';

export const POST = route({ params: agentIdParams }, ({ db, principal, params }) => rotateAgentSecret(db, principal, params.id));
