import { route } from '@/lib/http/route';
import { deliveryIdParams } from '@/lib/webhooks/schemas';
import { redeliver } from '@/lib/webhooks/service';

export const POST = route(
  { params: deliveryIdParams, summary: 'Send a delivered or failed event again (same webhook-id)' },
  ({ db, principal, params }) => redeliver(db, principal, params.id, params.deliveryId),
);
