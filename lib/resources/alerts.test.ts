import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { webhookDeliveries, webhooks } from '@/db/schema/webhooks';
import { alerts } from '@/db/schema/work';
import { onLive, type LiveEvent } from '../live';
import { raiseShortage } from './alerts';
import { checkCapacityAlerts } from './monitor';
import { setPool } from '../../test/resource-fixtures';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const alertEvents = (live: LiveEvent[], event: string) =>
  live.filter((e) => e.type === 'alert' && (e.data as { event?: string }).event === event);

describe('resource alerts', () => {
  it('a shortage raised twice, even at once, is one open alert with one alert.raised delivery and one live push; its resolution one of each', async () => {
    const [hook] = await t.db
      .insert(webhooks)
      .values({ url: 'https://hooks.example.com/ecs', events: ['alert.raised', 'alert.resolved'], departmentId: 'it', secret: 'sealed' })
      .returning();
    await setPool(t.db, 'it', 'storage', { capacity: 4, allocated: 4 });
    const live: LiveEvent[] = [];
    const off = onLive((e) => live.push(e));
    try {
      const first = await Promise.all([raiseShortage(t.db, 'it', { storage: 2 }, false), raiseShortage(t.db, 'it', { storage: 2 }, true)]);
      const again = await raiseShortage(t.db, 'it', { storage: 3 }, true);
      expect(first.filter(Boolean)).toHaveLength(1);
      expect(again).toBe(false);

      const open = await t.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'resource_shortage'), eq(alerts.departmentId, 'it'), eq(alerts.status, 'open')));
      expect(open).toHaveLength(1);
      const deliveries = () => t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
      const raised = (await deliveries()).filter((d) => d.eventType === 'alert.raised');
      expect(raised).toHaveLength(1);
      expect((raised[0].payload.data as { id: string }).id).toBe(open[0].id);
      expect(alertEvents(live, 'raised').map((e) => (e.data as { alert: { id: string } }).alert.id)).toEqual([open[0].id]);

      await setPool(t.db, 'it', 'storage', { allocated: 1 });
      await checkCapacityAlerts(t.db);
      await checkCapacityAlerts(t.db);
      const resolved = (await deliveries()).filter((d) => d.eventType === 'alert.resolved');
      expect(resolved.map((d) => (d.payload.data as { id: string; status: string }).status)).toEqual(['resolved']);
      expect(alertEvents(live, 'resolved')).toHaveLength(1);
    } finally {
      off();
    }
  });
});
