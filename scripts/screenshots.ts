/**
 * Takes the README's screenshots (docs/screenshots/*.png, 1280 wide) from a running console: the
 * Tasks list, one task's run view, its task graph and the Schedules page. Point it at the demo
 * server (its simulated fleet works the tasks), which it gives a small workflow to draw:
 *
 *   DEMO=1 npm run serve &        # or any running console
 *   ECS_URL=http://localhost:3000 ECS_USER=admin ECS_PASSWORD=… npx tsx scripts/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';

const base = process.env.ECS_URL ?? 'http://localhost:3000';
const user = { username: process.env.ECS_USER ?? 'admin', password: process.env.ECS_PASSWORD ?? '' };
const out = path.resolve(import.meta.dirname, '../docs/screenshots');
const WIDTH = 1280;

async function api<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A quarter-end workflow across departments: a chain of dependencies and two collaboration requests. */
async function workflow(token: string): Promise<string> {
  const task = (data: Record<string, unknown>) => api<{ id: string }>(token, 'POST', '/api/v1/tasks', { type: 'report', ...data });
  const gather = await task({ title: 'Gather quarter figures', departmentId: 'analytics', priority: 'high' });
  const draft = await task({ title: 'Draft quarterly report', departmentId: 'finance', dependsOn: [gather.id] });
  await task({ title: 'Check disclosure wording', departmentId: 'legal', parentTaskId: draft.id, type: 'review' });
  await task({ title: 'Headcount figures', departmentId: 'hr', parentTaskId: draft.id });
  const review = await task({ title: 'Board review', departmentId: 'finance', dependsOn: [draft.id], delayMs: 3_600_000 });
  await task({ title: 'Publish to investors', departmentId: 'marketing', dependsOn: [review.id], delayMs: 3_600_000 });
  return draft.id;
}

async function schedules(token: string) {
  const { items } = await api<{ items: unknown[] }>(token, 'GET', '/api/v1/schedules?limit=1');
  if (items.length) return;
  const make = (name: string, departmentId: string, cron: string, title: string) =>
    api(token, 'POST', '/api/v1/schedules', { name, departmentId, cron, timezone: 'UTC', task: { title, type: 'report' } });
  await make('Nightly reconciliation', 'finance', '0 2 * * *', 'Reconcile ledgers');
  await make('Weekly pipeline report', 'sales', '0 8 * * 1', 'Pipeline report');
  await make('Backup check', 'it', '*/30 * * * *', 'Verify last backup');
}

async function shoot(page: Page, url: string, file: string, settle?: (page: Page) => Promise<void>) {
  await page.goto(`${base}${url}`);
  await settle?.(page);
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.screenshot({ path: path.join(out, file) });
  console.log(`docs/screenshots/${file}`);
}

async function main() {
  if (!user.password) throw new Error('Set ECS_PASSWORD (and ECS_USER if not admin)');
  const { accessToken } = await (
    await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    })
  ).json();
  const draft = await workflow(accessToken);
  await schedules(accessToken);
  // Long enough for the demo fleet to take the first tasks of the workflow.
  await new Promise((r) => setTimeout(r, 8_000));

  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 }, colorScheme: 'light' });
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('current-user').waitFor();

    await shoot(page, '/tasks', 'tasks.png');
    await shoot(page, `/tasks/${draft}`, 'task-run.png');
    await shoot(page, `/tasks/${draft}`, 'task-graph.png', async (p) => {
      await p.getByTestId('task-graph').scrollIntoViewIfNeeded();
      await p.evaluate(() => {
        const el = document.querySelector('[data-testid="task-graph"]')?.closest('section');
        el?.scrollIntoView({ block: 'start' });
        window.scrollBy(0, -16);
      });
    });
    await shoot(page, '/schedules', 'schedules.png');
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
