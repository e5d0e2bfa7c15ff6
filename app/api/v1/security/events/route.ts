import { route } from '@/lib/http/route';
import { securityEventTable, securityEventTableQuery } from '@/lib/security/event-table';

export const GET = route({ query: securityEventTableQuery }, ({ db, principal, query }) => securityEventTable(db, principal, query));
