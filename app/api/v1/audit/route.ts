import { route } from '@/lib/http/route';
import { auditTable, auditTableQuery } from '@/lib/audit/table';

export const GET = route({ query: auditTableQuery }, ({ db, principal, query }) => auditTable(db, principal, query));
