import { route } from '@/lib/http/route';
import { listDeliveriesQuery, webhookIdParams } from '@/lib/webhooks/schemas';
import { listDeliveries } from '@/lib/webhooks/service';

export const GET = route(
  { params: webhookIdParams, query: listDeliveriesQuery, summary: "A webhook's deliveries, newest first" },
  ({ db, principal, params, query }) => listDeliveries(db, principal, params.id, query),
);
