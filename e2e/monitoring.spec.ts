import { expect, test, type APIRequestContext } from '@playwright/test';
import { AgentClient, PermanentTaskError } from '../lib/agent-sdk/client';
import { admin, login } from './helpers';

/**
 * Monitoring end to end: real activity through the public API (agents over REST and
 * Socket.IO, tasks over REST) moves the live tiles without a reload and fills the charts.
 */

const fleet: AgentClient[] = [];
test.afterAll(() => fleet.forEach((a) => a.stop()));

async function token(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return (await res.json()).accessToken;
}

async function startAgents(request: APIRequestContext, baseURL: string, auth: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await request.post('/api/v1/agents', {
      headers: { authorization: `Bearer ${auth}` },
      data: { departmentId: 'engineering', type: 'worker', name: `e2e-mon-${i}`, specialization: 'backend', maxConcurrentTasks: 4 },
    });
    expect(res.status(), await res.text()).toBe(201);
    const { credentials } = await res.json();
    const agent = new AgentClient({
      baseUrl: baseURL,
      agentId: credentials.agentId,
      secret: credentials.secret,
      // Every fifth task fails for good, so the outcome chart has both lines.
      handler: async (task) => {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
        if ((task.payload as { n: number }).n % 5 === 0) throw new PermanentTaskError('e2e failure');
        return { ok: true };
      },
    });
    await agent.start();
    fleet.push(agent);
  }
}

async function createTasks(request: APIRequestContext, auth: string, from: number, n: number) {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      request
        .post('/api/v1/tasks', {
          headers: { authorization: `Bearer ${auth}` },
          data: {
            title: `e2e monitoring ${from + i}`,
            departmentId: 'engineering',
            type: 'e2e',
            priority: 'medium',
            requirements: { specialization: 'backend' },
            payload: { n: from + i },
          },
        })
        .then((r) => expect(r.status()).toBe(201)),
    ),
  );
}

test('the Overview and a department dashboard move live and chart stored data', async ({ page, request, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const auth = await token(request);
  await startAgents(request, baseURL!, auth, 3);

  await login(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  // A marker that a reload would wipe: the tile must change while it survives.
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const throughput = page.getByTestId('tile-throughput').locator('[data-value]');
  // Earlier specs may have finished tasks within the tile's window: compare, don't assume 0.
  await expect(throughput).toHaveText(/^[\d,]+$/);
  const count = async () => Number((await throughput.textContent())!.replace(/,/g, ''));
  const throughputBefore = await count();
  const agentsTile = page.getByTestId('tile-agents').locator('[data-value]');
  await expect(agentsTile).not.toHaveText('0', { timeout: 20_000 }); // gauges refresh every 10 s

  await createTasks(request, auth, 0, 40);
  await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(throughputBefore);
  await expect(page.getByTestId('tile-completion').locator('[data-value]')).toHaveText(/%$/, { timeout: 10_000 });
  await expect(page.getByTestId('tile-latency').locator('[data-value]')).toHaveText(/ms|s$/);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  // Charts: the 15-minute range ends with the minute in progress, so today's work is on it.
  await page.getByRole('button', { name: '15 min' }).click();
  for (const id of ['chart-throughput', 'chart-latency', 'chart-outcomes', 'chart-queue']) {
    const chart = page.getByTestId(id);
    await expect(chart.locator('.recharts-line-dots circle, .recharts-dot').first()).toBeVisible({ timeout: 20_000 });
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  }
  await page.screenshot({ path: testInfo.outputPath('overview.png'), fullPage: true });

  await page.goto('/departments/engineering');
  await expect(page.getByRole('heading', { name: 'Engineering' })).toBeVisible();
  await expect(page.getByTestId('leaderboard').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('leaderboard')).toContainText('%');
  const deptThroughput = page.getByTestId('tile-throughput').locator('[data-value]');
  const before = Number(await deptThroughput.textContent());
  await createTasks(request, auth, 40, 20);
  await expect.poll(async () => Number(await deptThroughput.textContent()), { timeout: 10_000 }).toBeGreaterThan(before);
  await page.getByRole('button', { name: '15 min' }).click();
  const deptChart = page.getByTestId('chart-throughput');
  await expect(deptChart.locator('.recharts-line-dots circle, .recharts-dot').first()).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: testInfo.outputPath('department-engineering.png'), fullPage: true });
});

test('metrics are exposed for Prometheus without a session', async ({ request }) => {
  const res = await request.get('/metrics');
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toContain('# TYPE ecs_tasks_created_total counter');
  expect(text).toContain('# TYPE process_cpu_seconds_total counter');
});

test('an offline agent raises an alert live, and it resolves when the agent returns', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const auth = await token(request);
  const res = await request.post('/api/v1/agents', {
    headers: { authorization: `Bearer ${auth}` },
    data: { departmentId: 'hr', type: 'worker', name: 'e2e-mon-hr', specialization: 'recruiting' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { credentials } = await res.json();
  const make = () =>
    new AgentClient({ baseUrl: baseURL!, agentId: credentials.agentId, secret: credentials.secret, handler: async () => ({}) });
  const first = make();
  await first.start();

  await login(page);
  await page.goto('/alerts');
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const table = () => page.getByTestId('alerts-table');
  first.stop();
  // The alert loop runs every 15 s; the page refreshes itself on the pushed alert.
  await expect(table()).toContainText('agent offline in hr', { timeout: 45_000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  const row = table().locator('tr', { hasText: 'agent offline in hr' });
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row).toContainText('acknowledged');

  const back = make();
  fleet.push(back);
  await back.start();
  // Resolved by the rule once the agent is back; the page follows the push.
  await page.getByRole('link', { name: 'Resolved' }).click();
  await expect(table()).toContainText('agent offline in hr', { timeout: 45_000 });
});
