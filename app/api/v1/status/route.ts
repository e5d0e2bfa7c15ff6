import { route } from '@/lib/http/route';
import { getSystemStatus } from '@/lib/status/system';

export const GET = route({}, ({ db, principal }) => getSystemStatus(db, principal));
