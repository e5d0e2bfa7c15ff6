import { route } from '@/lib/http/route';
import { verifyAudit } from '@/lib/audit/service';

export const GET = route({}, ({ db, principal }) => verifyAudit(db, principal));
