import { env } from '../env';
import { log } from '../log';

/** Best effort: a slow or failing webhook never delays evaluation or loses the stored alert. */
export function sendAlertWebhook(event: 'raised' | 'resolved', alert: Record<string, unknown>): void {
  const url = env().ALERT_WEBHOOK_URL;
  if (!url) return;
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event, alert }),
    signal: AbortSignal.timeout(5_000),
  }).catch((err) => log().warn({ err, event }, 'alert webhook failed'));
}
