import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { AgentClient } from '../lib/agent-sdk/client';
import { admin, login } from './helpers';

/**
 * Live lists as a reader meets them: a busy Tasks page stays cheap and holds still under the
 * pointer, and the Agents list follows what agents actually do.
 */

async function token(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return (await res.json()).accessToken;
}

async function createTask(request: APIRequestContext, auth: string, data: Record<string, unknown>): Promise<string> {
  const res = await request.post('/api/v1/tasks', {
    headers: { authorization: `Bearer ${auth}` },
    data: { departmentId: 'finance', type: 'e2e-live', ...data },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

/** The task id of the row under a viewport point, as the browser hit-tests it. */
const rowAt = (page: Page, x: number, y: number) =>
  page.evaluate(
    ([px, py]) => (document.elementFromPoint(px, py)?.closest('tr[data-row-key]') as HTMLElement | null)?.dataset.rowKey ?? null,
    [x, y],
  );

test('a busy Tasks page makes few requests, and the row under the pointer holds still', async ({ page, request }) => {
  test.setTimeout(90_000);
  const auth = await token(request);
  const run = Date.now();
  const made: string[] = [];
  for (let i = 0; i < 8; i++) made.push(await createTask(request, auth, { title: `steady ${run} seed ${i}` }));

  await login(page);
  await page.goto('/tasks');
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connected', 'true');
  const table = page.getByTestId('tasks-table');
  await expect(table).toContainText(`steady ${run} seed 7`);

  // The pointer rests on the fifth row while tasks keep arriving, a few a second, for 10 s.
  const fifth = table.locator('tbody tr').nth(4);
  const box = (await fifth.boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  const under = await rowAt(page, x, y);
  expect(under).not.toBeNull();

  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() !== 'websocket') requests.push(r.url());
  });
  const seen = new Set<string | null>();
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < 10_000) {
    made.push(await createTask(request, auth, { title: `steady ${run} live ${n++}` }));
    seen.add(await rowAt(page, x, y));
    await page.waitForTimeout(250);
  }
  expect(n).toBeGreaterThan(10);
  expect(requests.length, requests.join('\n')).toBeLessThan(30);
  // The page did refresh (it would otherwise pass for being dead), but the row stayed put.
  expect(requests.length).toBeGreaterThan(0);
  expect([...seen]).toEqual([under]);
  await expect(page.getByTestId('live-new-rows')).toHaveText(/^\d+ new — show$/);

  // Leaving the table lets the newest tasks in.
  await page.mouse.move(0, 0);
  await expect(table.locator('tbody tr').first()).toContainText(`steady ${run} live ${n - 1}`);
  await expect(page.getByTestId('live-new-rows')).toHaveCount(0);
  // For looking at after a run; docs/screenshots/ is written by scripts/screenshots.ts (a test run never edits tracked files).
  await page.screenshot({ path: 'test-results/tasks.png' });

  // Paused, the list stops refreshing; resuming catches up.
  const pause = page.getByRole('switch', { name: 'Pause live' });
  await pause.click();
  await expect(pause).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('live-indicator')).toHaveText('Paused');
  made.push(await createTask(request, auth, { title: `steady ${run} while paused` }));
  await page.waitForTimeout(2500);
  await expect(table).not.toContainText(`steady ${run} while paused`);
  await pause.click();
  await expect(page.getByTestId('live-indicator')).toHaveText('Live');
  await expect(table).toContainText(`steady ${run} while paused`);

  // Leave the shared e2e database without a finance backlog for later specs.
  await Promise.all(made.map((id) => request.post(`/api/v1/tasks/${id}/cancel`, { headers: { authorization: `Bearer ${auth}` } })));
});

test('an agent row follows the agent: status, load and completed count change without a reload', async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  const auth = await token(request);
  const name = `e2e-live-agent-${Date.now()}`;
  const res = await request.post('/api/v1/agents', {
    headers: { authorization: `Bearer ${auth}` },
    data: { departmentId: 'legal', type: 'worker', name, specialization: 'litigation', maxConcurrentTasks: 1 },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { credentials } = await res.json();

  await login(page);
  await page.goto(`/agents?q=${name}`);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connected', 'true');
  const row = page.getByTestId('agents-table').locator('tbody tr', { hasText: name });
  const cell = (header: string) =>
    row.locator('td').nth(['Name', 'Department', 'Specialization', 'Status', 'Tasks', 'Completed'].indexOf(header));
  await expect(cell('Status')).toHaveText('offline');
  await expect(cell('Completed')).toHaveText('0');

  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const agent = new AgentClient({
    baseUrl: baseURL!,
    agentId: credentials.agentId,
    secret: credentials.secret,
    handler: async () => {
      await held;
      return { ok: true };
    },
  });
  try {
    await agent.start();
    await expect(cell('Status')).toHaveText('idle');

    const taskId = await createTask(request, auth, {
      departmentId: 'legal',
      title: `for ${name}`,
      requirements: { specialization: 'litigation' },
    });
    await expect(cell('Status')).toHaveText('busy');
    await expect(cell('Tasks')).toHaveText('1 / 1');

    release();
    await expect(cell('Completed')).toHaveText('1');
    await expect(cell('Status')).toHaveText('idle');
    await expect(cell('Tasks')).toHaveText('0 / 1');
    const task = await (await request.get(`/api/v1/tasks/${taskId}`, { headers: { authorization: `Bearer ${auth}` } })).json();
    expect(task.status).toBe('completed');
  } finally {
    agent.stop();
    await request.delete(`/api/v1/agents/${credentials.agentId}`, { headers: { authorization: `Bearer ${auth}` } });
  }
});
