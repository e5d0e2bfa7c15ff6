import { route } from '@/lib/http/route';
import { listAlerts, listAlertsQuery } from '@/lib/alerts/service';

export const GET = route({ query: listAlertsQuery }, ({ db, principal, query }) => listAlerts(db, principal, query));
