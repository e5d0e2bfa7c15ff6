import { route } from '@/lib/http/route';
import { acknowledgeAlert, alertIdParams } from '@/lib/alerts/service';

export const POST = route({ params: alertIdParams }, ({ db, principal, params }) => acknowledgeAlert(db, principal, params.id));
