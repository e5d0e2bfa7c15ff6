import { route } from '@/lib/http/route';
import { reportQuery } from '@/lib/audit/schemas';
import { complianceReport } from '@/lib/audit/report';

export const GET = route({ query: reportQuery }, ({ db, principal, query }) => complianceReport(db, principal, query));
