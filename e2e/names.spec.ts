import { expect, test } from '@playwright/test';
import { AgentClient } from '../lib/agent-sdk/client';
import { adminHeaders, login } from './helpers';

// IT: no other spec puts agents or tasks there, and every task here finishes.
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const fleet: AgentClient[] = [];
test.afterAll(() => fleet.forEach((a) => a.stop()));

test('agents and departments show by name with links, and an agent id copies in full', async ({ page, request, baseURL }) => {
  const headers = await adminHeaders(request);
  const name = `e2e-names-${Date.now()}`;
  const res = await request.post('/api/v1/agents', {
    headers,
    data: { departmentId: 'it', type: 'worker', name, specialization: 'support', resources: { compute: 1 } },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { credentials } = await res.json();
  const agentId: string = credentials.agentId;
  const agent = new AgentClient({ baseUrl: baseURL!, agentId, secret: credentials.secret, handler: async () => ({ ok: true }) });
  await agent.start();
  fleet.push(agent);
  try {
    const title = `Named ${Date.now()}`;
    const task = await (
      await request.post('/api/v1/tasks', { headers, data: { title, departmentId: 'it', type: 'ticket', targetAgentId: agentId } })
    ).json();
    await expect
      .poll(async () => (await (await request.get(`/api/v1/tasks/${task.id}`, { headers })).json()).status, { timeout: 20_000 })
      .toBe('completed');

    await login(page);
    await page.goto(`/tasks?q=${encodeURIComponent(title)}`);
    const row = page.getByTestId('tasks-table').locator('tbody tr', { hasText: title });
    await expect(row.getByRole('link', { name: 'IT', exact: true })).toHaveAttribute('href', '/departments/it');
    await expect(row.getByRole('link', { name })).toHaveAttribute('href', `/agents/${agentId}`);
    await expect(row).not.toContainText(agentId.slice(0, 8));

    const copy = row.getByRole('button', { name: `Copy id of agent ${name}` });
    await copy.click();
    await expect(copy).toHaveText('Copied');
    await expect(copy).toHaveAccessibleName(`Copy id of agent ${name}: copied`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(agentId);

    // The task page and its timeline name the agent, never its id.
    await page.goto(`/tasks/${task.id}`);
    const timeline = page.getByTestId('task-timeline');
    await expect(timeline).toContainText(`Handed to ${name}`);
    await expect(timeline).toContainText(`Completed by ${name}`);
    await expect(timeline.getByRole('link', { name }).first()).toHaveAttribute('href', `/agents/${agentId}`);
    await expect(page.getByTestId('task-attempts').getByRole('link', { name })).toBeVisible();

    // The agent holds its compute grant: the allocations list says whose, by name.
    await page.goto('/resources');
    const alloc = page.getByTestId('allocations-table').locator('tbody tr', { hasText: name });
    await expect(alloc.getByRole('link', { name })).toHaveAttribute('href', `/agents/${agentId}`);
    await expect(alloc.getByRole('link', { name: 'IT', exact: true })).toHaveAttribute('href', '/departments/it');
  } finally {
    agent.stop();
    await request.delete(`/api/v1/agents/${agentId}`, { headers });
  }
});
