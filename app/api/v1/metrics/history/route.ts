import { route } from '@/lib/http/route';
import { getHistory, historyQuerySchema } from '@/lib/metrics/history';

export const GET = route({ query: historyQuerySchema }, ({ db, principal, query }) => getHistory(db, principal, query));
