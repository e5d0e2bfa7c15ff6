import { route } from '@/lib/http/route';
import { alertIdParams, resolveAlert } from '@/lib/alerts/service';

export const POST = route({ params: alertIdParams }, ({ db, principal, params }) => resolveAlert(db, principal, params.id));
