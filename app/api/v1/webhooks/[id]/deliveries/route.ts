import { route } from '@/lib/http/route';
import { webhookIdParams } from '@/lib/webhooks/schemas';
import { deliveryTable, deliveryTableQuery } from '@/lib/webhooks/delivery-table';

export const GET = route(
  { params: webhookIdParams, query: deliveryTableQuery, summary: "A webhook's deliveries, newest first unless sorted" },
  ({ db, principal, params, query }) => deliveryTable(db, principal, params.id, query),
);
