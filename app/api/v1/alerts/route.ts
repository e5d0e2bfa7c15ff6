import { route } from '@/lib/http/route';
import { alertTable, alertTableQuery } from '@/lib/alerts/table';

export const GET = route({ query: alertTableQuery }, ({ db, principal, query }) => alertTable(db, principal, query));
