import { route } from '@/lib/http/route';
import { auditQuery } from '@/lib/audit/schemas';
import { listAuditEntries } from '@/lib/audit/service';

export const GET = route({ query: auditQuery }, ({ db, principal, query }) => listAuditEntries(db, principal, query));
