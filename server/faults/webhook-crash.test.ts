import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createTestDb, type TestDb } from '@/test/test-db';
import { startReceiver } from '@/test/webhook-receiver';
import { waitFor } from '../../sim/fleet';
import { patientApi } from './patient-api';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * A server process is SIGKILLed after a task's creation committed and while its webhook delivery
 * is on the wire, unanswered. Started again on the same data, it sends the event once more (same
 * webhook-id) and the receiver accepts it: the outbox row outlived the process. Postgres, or
 * PGlite in a data directory the restarted process opens again.
 */
const PASSWORD = 'webhook-crash-pw-1';
const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
let t: TestDb | undefined;
let dataDir: string | undefined;
let server: ServerProc | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  await t?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('webhook delivery across a crash', () => {
  it('delivers an event whose process was killed between its commit and the answer', { timeout: 180_000 }, async () => {
    let firstArrived: (id: string) => void = () => {};
    const arrived = new Promise<string>((r) => (firstArrived = r));
    receiver = await startReceiver((req, nth) => {
      if (nth === 1) {
        firstArrived(req.id);
        return new Promise<number>(() => {}); // never answered: the process dies first
      }
      return 200;
    });
    const settings: Record<string, string> = {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      ECS_ADMIN_USERNAME: 'admin',
      ECS_ADMIN_PASSWORD: PASSWORD,
    };
    if (process.env.DATABASE_URL) {
      t = await createTestDb({ adminPassword: PASSWORD });
      settings.DATABASE_URL = t.url!;
    } else {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecs-webhook-crash-'));
      settings.DATA_DIR = dataDir;
      settings.DATABASE_URL = '';
    }
    server = await spawnServer(settings);
    let url = server.url;
    const login = await patientApi([url], () => '').call('POST', '/api/v1/auth/token', { username: 'admin', password: PASSWORD });
    expect(login.status).toBe(200);
    const api = () => patientApi([url], () => login.body.accessToken);
    const hook = await api().call('POST', '/api/v1/webhooks', {
      url: receiver.url,
      events: ['task.created'],
      departmentId: 'legal',
      secret,
    });
    expect(hook.status).toBe(201);
    const task = await api().call('POST', '/api/v1/tasks', { title: 'survives a crash', departmentId: 'legal', type: 'review' });
    expect(task.status).toBe(201);

    const deliveryId = await arrived;
    await server.stop('SIGKILL');
    expect(receiver.accepted()).toHaveLength(0);

    server = await spawnServer(settings);
    url = server.url;
    await waitFor(() => receiver!.accepted().length > 0, 60_000, 100);

    const accepted = receiver.accepted();
    expect(accepted).toHaveLength(1);
    expect(accepted[0].id).toBe(deliveryId);
    const body = new Webhook(secret).verify(accepted[0].body, {
      'webhook-id': accepted[0].id,
      'webhook-timestamp': accepted[0].timestamp,
      'webhook-signature': accepted[0].signature,
    }) as { type: string; data: { id: string } };
    expect(body).toMatchObject({ type: 'task.created', data: { id: task.body.id } });
    const log = await waitFor(async () => {
      const res = await api().call('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`);
      return res.body.items[0]?.status === 'delivered' ? res.body.items : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: deliveryId, attempts: 2, responseStatus: 200 });
  });
});
