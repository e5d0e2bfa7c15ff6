import { expect, test } from '@playwright/test';
import { AgentClient } from '../lib/agent-sdk/client';
import { adminHeaders, login } from './helpers';

// Analytics: no other spec puts agents or tasks there, and every task here finishes.
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const fleet: AgentClient[] = [];
test.afterAll(() => fleet.forEach((a) => a.stop()));

test('a task page reads as its run: input, requirements, each attempt, result, related tasks and a timeline in sentences', async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const headers = await adminHeaders(request);
  const name = `e2e-run-${Date.now()}`;
  const res = await request.post('/api/v1/agents', {
    headers,
    data: { departmentId: 'analytics', type: 'worker', name, specialization: 'reporting', capabilities: ['charts'], maxConcurrentTasks: 2 },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { credentials } = await res.json();
  let calls = 0;
  // The first try fails (retryably), the second returns a result.
  const agent = new AgentClient({
    baseUrl: baseURL!,
    agentId: credentials.agentId,
    secret: credentials.secret,
    handler: async () => {
      calls += 1;
      if (calls === 1) throw new Error('warehouse connection reset');
      return { rows: 42, file: 'weekly.csv' };
    },
  });
  await agent.start();
  fleet.push(agent);
  try {
    const first = await (
      await request.post('/api/v1/tasks', {
        headers,
        data: {
          title: `Weekly report ${Date.now()}`,
          departmentId: 'analytics',
          type: 'report',
          priority: 'high',
          payload: { week: 49, regions: ['emea', 'apac'] },
          requirements: { specialization: 'reporting', capabilities: ['charts'] },
          maxAttempts: 3,
        },
      })
    ).json();
    const poll = (id: string) =>
      expect.poll(async () => (await (await request.get(`/api/v1/tasks/${id}`, { headers })).json()).status, { timeout: 30_000 });
    await poll(first.id).toBe('completed');
    const second = await (
      await request.post('/api/v1/tasks', {
        headers,
        data: { title: `Send report ${Date.now()}`, departmentId: 'analytics', type: 'send', dependsOn: [first.id] },
      })
    ).json();
    await poll(second.id).toBe('completed');

    await login(page);
    await page.goto(`/tasks/${first.id}`);
    await expect(page.getByTestId('task-payload')).toContainText('"week": 49');
    const req = page.getByTestId('task-requirements');
    await expect(req).toContainText('Priority: high');
    await expect(req).toContainText('Specialization: reporting');
    await expect(req).toContainText('Capabilities: charts');

    const attempts = page.getByTestId('task-attempts');
    await expect(attempts.locator('tbody tr')).toHaveCount(2);
    const failed = attempts.locator('tbody tr[data-outcome="failed"]');
    await expect(failed).toContainText('warehouse connection reset');
    await expect(failed.getByRole('link', { name })).toBeVisible();
    await expect(attempts.locator('tbody tr[data-outcome="completed"]')).toContainText(/\d+ ms|\d\.\d s/);
    // The task succeeded: the first try's error is history, shown only in its row.
    await expect(page.getByTestId('task-error')).toHaveCount(0);
    await expect(page.locator('main')).not.toContainText('Error: warehouse');

    await expect(page.getByTestId('task-result')).toContainText('"rows": 42');
    const timeline = page.getByTestId('task-timeline');
    await expect(timeline).toContainText(`Attempt 1 on ${name} failed: warehouse connection reset; retry in 1.0 s`);
    await expect(timeline).toContainText(new RegExp(`Completed by ${name}; took \\d`));
    await expect(timeline).not.toContainText('{');

    await page.getByRole('button', { name: 'Copy task id' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first.id);
    await expect(page.getByTestId('task-id')).toHaveText(first.id);

    // The dependant links back by title.
    await page.goto(`/tasks/${second.id}`);
    await page.getByTestId('task-links').getByRole('link', { name: first.title }).click();
    await expect(page.getByRole('heading', { name: first.title })).toBeVisible();
  } finally {
    agent.stop();
    await request.delete(`/api/v1/agents/${credentials.agentId}`, { headers });
  }
});
