import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { adminHeaders, login } from './helpers';

// Research and legal: every task here starts an hour from now (scheduled, never pending) and is
// cancelled before the spec ends, so no other spec finds work it didn't make.

const run = Date.now().toString(36);

async function createTask(request: APIRequestContext, headers: Record<string, string>, data: Record<string, unknown>) {
  const res = await request.post('/api/v1/tasks', { headers, data: { type: 'review', delayMs: 3_600_000, ...data } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; status: string };
}

test('a task page draws its dependencies and collaboration requests as a linked graph, and the department page its cross-department work', async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request);
  const a = await createTask(request, headers, { title: `Draft contract ${run}`, departmentId: 'research' });
  const b = await createTask(request, headers, { title: `Review contract ${run}`, departmentId: 'research', dependsOn: [a.id] });
  const c = await createTask(request, headers, { title: `Legal check ${run}`, departmentId: 'legal', parentTaskId: b.id });
  const d = await createTask(request, headers, { title: `Sign contract ${run}`, departmentId: 'research', dependsOn: [b.id] });
  try {
    expect(b.status).toBe('scheduled');
    await login(page);
    await page.goto(`/tasks/${b.id}`);
    const graph = page.getByTestId('task-graph');
    await expect(graph).toBeVisible();
    await expect(graph).toHaveAttribute('data-nodes', '4');
    await expect(graph).toHaveAttribute('data-edges', '3');
    await expect(graph.locator('[data-kind="dependency"]')).toHaveCount(2);
    await expect(graph.locator(`[data-kind="collaboration"][data-from="${b.id}"][data-to="${c.id}"]`)).toHaveCount(1);
    // Readable without colour: every node says its status in words, and is a link named for it.
    const node = (id: string) => graph.locator(`[data-testid="graph-node"][data-task-id="${id}"]`);
    await expect(node(c.id)).toContainText('scheduled · Legal');
    await expect(node(b.id)).toContainText('this task');
    await expect(graph.getByRole('link', { name: `Legal check ${run}: scheduled, department Legal` })).toHaveAttribute(
      'href',
      `/tasks/${c.id}`,
    );
    const { violations } = await new AxeBuilder({ page })
      .include('[data-testid="task-graph"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // A cancelled task changes its node's words, not just its colour; each node leads to its task.
    expect((await request.post(`/api/v1/tasks/${d.id}/cancel`, { headers })).status()).toBe(200);
    await page.goto(`/tasks/${a.id}`);
    await expect(node(d.id)).toHaveAttribute('data-status', 'cancelled');
    await expect(node(d.id)).toContainText('cancelled · Research');
    await node(b.id).getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${b.id}$`));
    await expect(page.getByRole('heading', { level: 1, name: `Review contract ${run}` })).toBeVisible();

    // The department page draws only the links that cross to another department.
    await page.goto('/departments/research');
    const dept = page.getByTestId('department-graph');
    await expect(dept).toBeVisible();
    await expect(dept.locator(`[data-testid="graph-node"][data-task-id="${b.id}"]`)).toHaveCount(1);
    await expect(dept.locator(`[data-testid="graph-node"][data-task-id="${c.id}"]`)).toHaveCount(1);
    await expect(dept.locator(`[data-testid="graph-node"][data-task-id="${a.id}"]`)).toHaveCount(0);
  } finally {
    await request.post(`/api/v1/tasks/${c.id}/cancel`, { headers });
    // Its dependants follow it (dependency-failed).
    await request.post(`/api/v1/tasks/${a.id}/cancel`, { headers });
  }
});

test('a graph past fifty tasks draws fifty and says how many more it left out', async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const tasks = [
    { title: `Fan-out root ${run}`, departmentId: 'research', type: 'review', delayMs: 3_600_000 },
    ...Array.from({ length: 55 }, (_, i) => ({
      title: `Fan-out leaf ${i} ${run}`,
      departmentId: 'research',
      type: 'review',
      delayMs: 3_600_000,
      dependsOn: ['#0'],
    })),
  ];
  const res = await request.post('/api/v1/tasks/batch', { headers, data: { tasks } });
  expect(res.ok(), await res.text()).toBe(true);
  const { results } = (await res.json()) as { results: { index: number; id?: string }[] };
  const root = results.find((r) => r.index === 0)?.id as string;
  expect(results.filter((r) => r.id)).toHaveLength(56);
  try {
    await login(page);
    await page.goto(`/tasks/${root}`);
    const graph = page.getByTestId('task-graph');
    await expect(graph).toHaveAttribute('data-nodes', '50');
    await expect(graph.getByTestId('graph-node')).toHaveCount(50);
    await expect(page.getByTestId('task-graph-more')).toHaveText('Showing 50 tasks, and at least 6 more not drawn.');
  } finally {
    // Cancelling the root cancels every leaf waiting on it.
    await request.post(`/api/v1/tasks/${root}/cancel`, { headers });
  }
});
