import { route } from '@/lib/http/route';
import { releaseAgent } from '@/lib/allocations/allocations';
import { agentParams } from '@/lib/resources/schemas';

export const POST = route({ params: agentParams }, ({ db, principal, params }) => releaseAgent(db, principal, params.id));
