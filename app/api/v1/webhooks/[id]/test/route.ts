import { route } from '@/lib/http/route';
import { webhookIdParams } from '@/lib/webhooks/schemas';
import { testWebhook } from '@/lib/webhooks/service';

export const POST = route(
  { params: webhookIdParams, summary: 'Send a webhook.test event now and answer how it went' },
  ({ db, principal, params }) => testWebhook(db, principal, params.id),
);
