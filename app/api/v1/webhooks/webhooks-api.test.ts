import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { webhooks } from '@/db/schema/webhooks';
import { resetEnvCache } from '@/lib/env';
import { startReceiver } from '@/test/webhook-receiver';
import { syncEnvWebhook } from '@/lib/webhooks/from-env';
import { GET as listGET, POST } from './route';
import { DELETE, GET, PATCH } from './[id]/route';
import { POST as testPOST } from './[id]/test/route';
import { GET as deliveriesGET } from './[id]/deliveries/route';
import { POST as redeliverPOST } from './[id]/deliveries/[deliveryId]/redeliver/route';

let t: TestDb;
let root: string;
let legalAdmin: string;
let coordinator: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
  resetEnvCache();
  t = await createTestDb();
  root = (await makeUser(t.db, 'super-admin')).token;
  legalAdmin = (await makeUser(t.db, 'department-admin', ['legal'])).token;
  coordinator = (await makeUser(t.db, 'department-coordinator', ['legal'])).token;
  receiver = await startReceiver();
});
afterAll(async () => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  resetEnvCache();
  await receiver.close();
  await t.drop();
});

const create = (token: string, body: Record<string, unknown>) =>
  POST(request('POST', '/api/v1/webhooks', { token, body: { url: receiver.url, events: ['task.created'], ...body } }));
const one = (handler: typeof GET, method: string, token: string, id: string, body?: unknown) =>
  handler(request(method, `/api/v1/webhooks/${id}`, { token, body }), params({ id }));

describe('/api/v1/webhooks', () => {
  let legalHook: string;
  let engineeringHook: string;
  let globalHook: string;

  it('answers the secret once, on creation, in the Standard Webhooks form', async () => {
    const res = await create(legalAdmin, { departmentId: 'legal' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    legalHook = body.id;
    const again = await (await one(GET, 'GET', legalAdmin, legalHook)).json();
    expect(again.secret).toBeUndefined();
    const [row] = await t.db.select().from(webhooks).where(eq(webhooks.id, legalHook));
    expect(row.secret).not.toContain(body.secret.slice(6));
  });

  it('keeps a given secret and signs the test event with it', async () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const res = await create(root, { departmentId: 'engineering', secret });
    expect(res.status).toBe(201);
    engineeringHook = (await res.json()).id;
    const test = await testPOST(
      request('POST', `/api/v1/webhooks/${engineeringHook}/test`, { token: root }),
      params({ id: engineeringHook }),
    );
    expect(test.status).toBe(200);
    expect(await test.json()).toMatchObject({ eventType: 'webhook.test', status: 'delivered', responseStatus: 200, attempts: 1 });
    const got = receiver.received.at(-1)!;
    expect(
      new Webhook(secret).verify(got.body, {
        'webhook-id': got.id,
        'webhook-timestamp': got.timestamp,
        'webhook-signature': got.signature,
      }),
    ).toMatchObject({ type: 'webhook.test' });
  });

  it('lets super-admins make global webhooks and refuses them to department admins', async () => {
    const res = await create(root, {});
    expect(res.status).toBe(201);
    globalHook = (await res.json()).id;
    expect((await create(legalAdmin, {})).status).toBe(403);
    expect((await create(legalAdmin, { departmentId: null })).status).toBe(403);
  });

  it("hides another department's and global webhooks from a department admin", async () => {
    expect((await create(legalAdmin, { departmentId: 'engineering' })).status).toBe(404);
    const list = await (await listGET(request('GET', '/api/v1/webhooks', { token: legalAdmin }))).json();
    expect(list.items.map((w: { id: string }) => w.id)).toEqual([legalHook]);
    for (const id of [engineeringHook, globalHook]) {
      expect((await one(GET, 'GET', legalAdmin, id)).status).toBe(404);
      expect((await one(PATCH, 'PATCH', legalAdmin, id, { enabled: false })).status).toBe(404);
      expect((await one(DELETE, 'DELETE', legalAdmin, id)).status).toBe(404);
      expect((await testPOST(request('POST', `/api/v1/webhooks/${id}/test`, { token: legalAdmin }), params({ id }))).status).toBe(404);
      expect((await deliveriesGET(request('GET', `/api/v1/webhooks/${id}/deliveries`, { token: legalAdmin }), params({ id }))).status).toBe(
        404,
      );
    }
    const all = await (await listGET(request('GET', '/api/v1/webhooks', { token: root }))).json();
    expect(all.items.map((w: { id: string }) => w.id).sort()).toEqual([legalHook, engineeringHook, globalHook].sort());
  });

  it('refuses roles without webhook:manage', async () => {
    expect((await create(coordinator, { departmentId: 'legal' })).status).toBe(403);
    expect((await listGET(request('GET', '/api/v1/webhooks', { token: coordinator }))).status).toBe(403);
    expect((await one(GET, 'GET', coordinator, legalHook)).status).toBe(403);
  });

  it('refuses private targets at registration unless allowed', async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = 'false';
    resetEnvCache();
    try {
      for (const url of ['http://127.0.0.1/x', 'http://10.0.0.1/x', 'http://169.254.169.254/x', 'http://[::1]/x', 'http://localhost/x']) {
        const res = await create(root, { url });
        expect(res.status).toBe(422);
      }
      expect((await one(PATCH, 'PATCH', root, legalHook, { url: 'http://192.168.0.1/x' })).status).toBe(422);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
      resetEnvCache();
    }
  });

  it('answers 400 for unknown events and malformed secrets', async () => {
    expect((await create(root, { events: ['task.exploded'] })).status).toBe(400);
    expect((await create(root, { events: [] })).status).toBe(400);
    expect((await create(root, { secret: 'hunter2' })).status).toBe(400);
    expect((await create(root, { url: 'file:///etc/passwd' })).status).toBe(400);
  });

  it('rotates the secret on request, answering the new one once', async () => {
    const res = await one(PATCH, 'PATCH', legalAdmin, legalHook, { rotateSecret: true, events: ['task.completed', 'task.completed'] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.events).toEqual(['task.completed']);
  });

  it('lists deliveries and redelivers a finished one with the same webhook-id', async () => {
    await testPOST(request('POST', `/api/v1/webhooks/${legalHook}/test`, { token: legalAdmin }), params({ id: legalHook }));
    const list = await (
      await deliveriesGET(request('GET', `/api/v1/webhooks/${legalHook}/deliveries`, { token: legalAdmin }), params({ id: legalHook }))
    ).json();
    expect(list.items).toHaveLength(1);
    const d = list.items[0];
    expect(d).toMatchObject({ status: 'delivered', responseStatus: 200 });
    expect(typeof d.latencyMs).toBe('number');
    const call = () =>
      redeliverPOST(
        request('POST', `/api/v1/webhooks/${legalHook}/deliveries/${d.id}/redeliver`, { token: legalAdmin }),
        params({ id: legalHook, deliveryId: d.id }),
      );
    const res = await call();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: d.id, status: 'pending' });
    // Already waiting to go out: a second redelivery has nothing to do.
    expect((await call()).status).toBe(409);
    const other = await redeliverPOST(request('POST', '/x', { token: root }), params({ id: engineeringHook, deliveryId: d.id }));
    expect(other.status).toBe(404);
  });

  it('keeps the webhook from ALERT_WEBHOOK_URL in line with the setting and out of reach of the API', async () => {
    await syncEnvWebhook(t.db, 'http://127.0.0.1:9/alerts');
    await syncEnvWebhook(t.db, 'http://127.0.0.1:9/alerts-moved');
    const rows = await t.db.select().from(webhooks).where(eq(webhooks.source, 'env'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      url: 'http://127.0.0.1:9/alerts-moved',
      departmentId: null,
      enabled: true,
      events: ['alert.raised', 'alert.resolved'],
    });
    expect((await one(PATCH, 'PATCH', root, rows[0].id, { enabled: false })).status).toBe(409);
    expect((await one(DELETE, 'DELETE', root, rows[0].id)).status).toBe(409);
    await syncEnvWebhook(t.db, undefined);
    const [after] = await t.db.select().from(webhooks).where(eq(webhooks.source, 'env'));
    expect(after.enabled).toBe(false);
  });

  it('deletes a webhook with its delivery log', async () => {
    expect((await one(DELETE, 'DELETE', legalAdmin, legalHook)).status).toBe(204);
    expect((await one(GET, 'GET', legalAdmin, legalHook)).status).toBe(404);
  });
});
