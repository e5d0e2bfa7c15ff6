import { expect, test, type APIRequestContext } from '@playwright/test';
import { AgentClient } from '../lib/agent-sdk/client';
import { admin, login } from './helpers';

/**
 * A task page shows each attempt of a task whose timeout its agent could not keep, and the ETA of
 * a running task with an estimated duration.
 */
// Operations: no other spec leaves work there that this agent's hung handler would take and hold.
const fleet: AgentClient[] = [];
test.afterAll(() => fleet.forEach((a) => a.stop()));

async function token(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return (await res.json()).accessToken;
}

test('a timed-out task lists its attempts with agent, times, outcome and error; a running one shows its ETA', async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const auth = await token(request);
  const headers = { authorization: `Bearer ${auth}` };
  const name = `e2e-slow-${Date.now()}`;
  const res = await request.post('/api/v1/agents', {
    headers,
    data: { departmentId: 'operations', type: 'worker', name, specialization: 'logistics', maxConcurrentTasks: 2 },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { credentials } = await res.json();
  // Never finishes on its own; stops when the server revokes the task.
  const agent = new AgentClient({
    baseUrl: baseURL!,
    agentId: credentials.agentId,
    secret: credentials.secret,
    handler: (_task, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
  });
  await agent.start();
  fleet.push(agent);

  const create = (data: Record<string, unknown>) =>
    request.post('/api/v1/tasks', {
      headers,
      data: { departmentId: 'operations', type: 'review', targetAgentId: credentials.agentId, ...data },
    });
  const timed = await (await create({ title: `Times out ${Date.now()}`, timeout: 2000, maxAttempts: 2 })).json();
  const eta = await (await create({ title: `Long review ${Date.now()}`, estimatedDuration: 3_600_000 })).json();

  await expect
    .poll(async () => (await (await request.get(`/api/v1/tasks/${timed.id}`, { headers })).json()).status, { timeout: 30_000 })
    .toBe('dead');

  await login(page);
  await page.goto(`/tasks/${timed.id}`);
  await expect(page.getByTestId('task-reason')).toHaveText('timeout');
  const attempts = page.getByTestId('task-attempts');
  await expect(attempts.locator('tbody tr[data-outcome="timed-out"]')).toHaveCount(2);
  await expect(attempts).toContainText(name);
  await expect(attempts).toContainText('ran past 2000 ms');

  await page.goto(`/tasks/${eta.id}`);
  await expect(page.getByTestId('task-eta')).toContainText(/ETA .* \(in (59|60) min/);
  await expect(page.getByTestId('task-attempts').locator('tbody tr[data-outcome="running"]')).toHaveCount(1);
});
