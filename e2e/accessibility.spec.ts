import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers';

/** Serious and critical axe findings on the page as it is now, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
}

/** Every console page the navigation links to, plus one detail page of each kind found there. */
async function consolePages(page: Page): Promise<string[]> {
  await page.goto('/');
  const nav = await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  const pages = new Set(nav);
  for (const list of ['/departments', '/agents', '/tasks']) {
    await page.goto(list);
    // A detail page, not the list's create form (added below).
    const detail = await page
      .locator(`main a[href^="${list}/"]:not([href$="/new"])`)
      .first()
      .getAttribute('href')
      .catch(() => null);
    if (detail) pages.add(detail);
  }
  pages.add('/tasks/new');
  pages.add('/agents/new');
  return [...pages];
}

test('every console page has no serious or critical axe violations, in light and dark themes', async ({ page, request }) => {
  test.setTimeout(180_000);
  await page.goto('/login');
  expect(await seriousViolations(page), '/login').toEqual([]);
  await login(page);
  // Something to show on the detail pages: an agent and a task.
  const token = (await (await request.post('/api/v1/auth/token', { data: { username: 'admin', password: 'e2e-admin-password-1' } })).json())
    .accessToken;
  const headers = { authorization: `Bearer ${token}` };
  const agent = await (
    await request.post('/api/v1/agents', { headers, data: { departmentId: 'engineering', type: 'worker', specialization: 'backend' } })
  ).json();
  const task = await (
    await request.post('/api/v1/tasks', { headers, data: { title: 'axe task', departmentId: 'engineering', type: 'build' } })
  ).json();
  // Leave the shared e2e database as other specs expect it (e.g. "no agents yet").
  test.info().annotations.push({ type: 'cleanup', description: 'retires its agent, cancels its task' });
  const cleanup = async () => {
    await request.post(`/api/v1/tasks/${task.id}/cancel`, { headers });
    await request.delete(`/api/v1/agents/${agent.agent.id}`, { headers });
  };
  try {
    const pages = [...(await consolePages(page)), `/tasks/${task.id}`];
    expect(pages.length).toBeGreaterThanOrEqual(5);
    const report: Record<string, string[]> = {};
    let checked = 0;
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => localStorage.setItem('ecs-theme', t), theme);
      for (const path of pages) {
        const res = await page.goto(path);
        // The nav also links pages other branches add; a page this build lacks is skipped, not failed.
        if (res?.status() === 404) continue;
        expect(res?.status(), path).toBeLessThan(400);
        await expect(page.locator('main#main')).toBeVisible();
        checked++;
        const found = await seriousViolations(page);
        if (found.length) report[`${theme} ${path}`] = found;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(report).toEqual({});
  } finally {
    await cleanup();
  }
});

test('keyboard: the first Tab reaches "Skip to content", which moves focus to the main content', async ({ page }) => {
  await login(page);
  await page.goto('/tasks');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // Focus is visible: the focused nav link draws an outline.
  await page.goto('/tasks');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
});

test('the API reference lists operations from the OpenAPI document', async ({ page, request }) => {
  await login(page);
  await page.goto('/docs/api');
  await expect(page.getByRole('heading', { name: 'API reference' })).toBeVisible();
  const doc = await (await request.get('/api/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  await expect(page.getByText('/api/v1/tasks/{id}/cancel', { exact: true })).toBeVisible();
  const createTask = page
    .locator('details', { has: page.getByText('/api/v1/tasks', { exact: true }) })
    .filter({ hasText: 'post' })
    .first();
  await createTask.locator('summary').click();
  await expect(createTask.getByText('Request body')).toBeVisible();
  await expect(createTask.getByText('"departmentId"').first()).toBeVisible();
});
