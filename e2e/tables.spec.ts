import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { departmentCatalog } from '../lib/org/catalog';
import { adminHeaders, login } from './helpers';

/**
 * Console lists sort on the server by their column headers, page both ways, count what matches and
 * offer a page size, all in the URL; the coordinator portal pages its departments and links its rows.
 */

type Task = { id: string; title: string };

async function createTasks(request: APIRequestContext, headers: Record<string, string>, departmentId: string, titles: string[]) {
  const ids: string[] = [];
  for (const [i, title] of titles.entries()) {
    const res = await request.post('/api/v1/tasks', {
      headers,
      data: { departmentId, type: 'e2e-tables', title, priority: ['low', 'medium', 'high', 'critical'][i % 4] },
    });
    expect(res.status(), await res.text()).toBe(201);
    ids.push((await res.json()).id);
  }
  return ids;
}

/** The titles the API lists for the same query as the page's URL. */
async function apiTitles(request: APIRequestContext, headers: Record<string, string>, url: string): Promise<string[]> {
  const res = await request.get(`/api/v1/tasks?${new URL(url).searchParams}`, { headers });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()).items as Task[]).map((t) => t.title);
}

const shownTitles = (page: Page) => page.getByTestId('tasks-table').locator('tbody tr td:first-child').allTextContents();

test('task list: a header sorts on the server, pages go both ways, the page size and the count follow the URL', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const headers = await adminHeaders(request);
  const run = `tables-${Date.now()}`;
  // Titles whose order differs from creation order, so a sort shows.
  const titles = Array.from(
    { length: 30 },
    (_, i) => `${run} ${String.fromCharCode(97 + ((i * 7) % 26))}${String((i * 13) % 30).padStart(2, '0')}`,
  );
  const ids = await createTasks(request, headers, 'legal', titles);

  await login(page);
  await page.goto(`/tasks?q=${run}&limit=25`);
  const table = page.getByTestId('tasks-table');
  await expect(table.locator('tbody tr')).toHaveCount(25);
  await expect(page.getByTestId('table-total')).toHaveText('25 shown of 30 tasks');
  // Newest first until a header is chosen.
  await expect(page.getByRole('columnheader', { name: 'Created' })).toHaveAttribute('aria-sort', 'descending');

  // Title, ascending: the URL says so, the header says so, and the rows are the API's for that URL.
  const title = page.getByRole('columnheader', { name: 'Title' });
  await expect(title).not.toHaveAttribute('aria-sort');
  await title.getByRole('link').click();
  await expect(page).toHaveURL(/sort=title&order=asc/);
  await expect(title).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('columnheader', { name: 'Created' })).not.toHaveAttribute('aria-sort');
  const ascending = [...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, 25);
  await expect.poll(() => shownTitles(page)).toEqual(ascending);
  expect(await shownTitles(page)).toEqual(await apiTitles(request, headers, page.url()));

  // Again: descending.
  await title.getByRole('link').click();
  await expect(page).toHaveURL(/sort=title&order=desc/);
  await expect(title).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => shownTitles(page)).toEqual(await apiTitles(request, headers, page.url()));
  const firstPage = await shownTitles(page);
  expect(firstPage[0] > firstPage[24]).toBe(true);

  // Next page: the remaining five, in the same order, as the API pages them.
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await expect(pages.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(table.locator('tbody tr')).toHaveCount(5);
  await expect.poll(() => shownTitles(page)).toEqual(await apiTitles(request, headers, page.url()));
  expect((await shownTitles(page))[0] < firstPage[24]).toBe(true);
  await expect(pages.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await expect(page.getByTestId('table-total')).toHaveText('5 shown of 30 tasks');

  // And back.
  await pages.getByRole('link', { name: 'Previous page' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(25);
  await expect.poll(() => shownTitles(page)).toEqual(firstPage);
  await expect(title).toHaveAttribute('aria-sort', 'descending');

  // A bigger page holds them all, still sorted.
  const sizes = page.getByRole('navigation', { name: 'Rows per page' });
  await expect(sizes.getByRole('link', { name: '25' })).toHaveAttribute('aria-current', 'true');
  await sizes.getByRole('link', { name: '50' }).click();
  await expect(page).toHaveURL(/limit=50/);
  await expect(table.locator('tbody tr')).toHaveCount(30);
  await expect(page.getByTestId('table-total')).toHaveText('30 shown of 30 tasks');
  await expect(title).toHaveAttribute('aria-sort', 'descending');
  expect(await shownTitles(page)).toEqual([...titles].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));

  // Filtering keeps the sort and the page size.
  await page.getByLabel('Title', { exact: true }).fill(`${run} a`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/sort=title/);
  await expect(page).toHaveURL(/limit=50/);

  // A column that can't be sorted, or an unknown order, is ignored by the page and refused by the API.
  const odd = await page.goto(`/tasks?q=${run}&sort=payload&order=sideways&limit=7`);
  expect(odd?.status()).toBe(200);
  await expect(page.getByRole('columnheader', { name: 'Created' })).toHaveAttribute('aria-sort', 'descending');
  await expect(table.locator('tbody tr')).toHaveCount(30);
  for (const q of ['sort=payload', 'order=sideways', 'sort=title&cursor=bm90LWEtY3Vyc29y']) {
    const res = await request.get(`/api/v1/tasks?${q}`, { headers });
    expect(res.status(), q).toBe(400);
  }
  // A cursor from another sort shows the first page rather than an error.
  const stale = await page.goto(`/tasks?q=${run}&sort=attempts&cursor=bm90LWEtY3Vyc29y`);
  expect(stale?.status()).toBe(200);
  await expect(table.locator('tbody tr')).toHaveCount(30);

  await Promise.all(ids.map((id) => request.post(`/api/v1/tasks/${id}/cancel`, { headers })));
});

test('agent list sorts by a header the same way the API does', async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const run = `tables-agent-${Date.now()}`;
  for (const [i, specialization] of ['tax', 'audit', 'treasury'].entries()) {
    const res = await request.post('/api/v1/agents', {
      headers,
      data: { departmentId: 'finance', type: 'worker', name: `${run}-${'cab'[i]}`, specialization },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  await login(page);
  await page.goto(`/agents?q=${run}`);
  const header = page.getByRole('columnheader', { name: 'Specialization' });
  await header.getByRole('link').click();
  await expect(page).toHaveURL(/sort=specialization&order=asc/);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  const names = () => page.getByTestId('agents-table').locator('tbody tr td:first-child').allTextContents();
  await expect.poll(names).toEqual([`${run}-a`, `${run}-c`, `${run}-b`]);
  const res = await request.get(`/api/v1/agents?q=${run}&sort=specialization&order=asc`, { headers });
  const body = await res.json();
  expect(body.items.map((a: { name: string }) => a.name)).toEqual(await names());
  expect(body).toMatchObject({ total: 3, totalCapped: false, sort: 'specialization', order: 'asc', prevCursor: null });
  await expect(page.getByTestId('table-total')).toHaveText('3 shown of 3 agents');
});

test('the portal pages its departments, and its task and agent rows open their pages', async ({ page, request }) => {
  test.setTimeout(90_000);
  const headers = await adminHeaders(request);
  await login(page);
  await page.goto('/portal');
  const sections = page.locator('section[data-testid^="portal-"]');
  const pager = page.getByTestId('portal-pager').first();
  await expect(pager).toContainText(/Departments 1–4 of \d+/);
  await expect(sections).toHaveCount(4);
  const firstDept = (await sections.first().getAttribute('data-testid'))!.replace('portal-', '');

  // A task and an agent in the first department, then their rows link to their pages.
  const run = `portal-${Date.now()}`;
  const [taskId] = await createTasks(request, headers, firstDept, [`${run} task`]);
  const made = await request.post('/api/v1/agents', {
    headers,
    data: {
      departmentId: firstDept,
      type: 'worker',
      name: `${run}-agent`,
      specialization: departmentCatalog.find((d) => d.id === firstDept)!.specializations[0],
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const agentId = (await made.json()).agent.id;
  await page.reload();
  const tasks = page.getByTestId(`portal-tasks-${firstDept}`);
  expect(await tasks.locator('tbody tr').count()).toBeLessThanOrEqual(5);
  await expect(tasks.getByRole('link', { name: `${run} task` })).toHaveAttribute('href', `/tasks/${taskId}`);
  const agents = page.getByTestId(`portal-agents-${firstDept}`);
  await expect(agents.getByRole('link', { name: `${run}-agent` })).toHaveAttribute('href', `/agents/${agentId}`);
  await tasks.getByRole('link', { name: `${run} task` }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${taskId}$`));
  await expect(page.getByRole('heading', { name: `${run} task` })).toBeVisible();
  await page.goBack();
  await page
    .getByTestId(`portal-agents-${firstDept}`)
    .getByRole('link', { name: `${run}-agent` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/agents/${agentId}$`));

  // The next page holds other departments; the page is a fraction of one with every department.
  await page.goto('/portal');
  await page.getByTestId('portal-pager').first().getByRole('link', { name: 'Next departments' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId(`portal-${firstDept}`)).toHaveCount(0);
  await expect(page.getByTestId('portal-pager').first()).toContainText(/Departments 5–/);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(8000);
  await page.getByTestId('portal-pager').first().getByRole('link', { name: 'Previous departments' }).click();
  await expect(page.getByTestId(`portal-${firstDept}`)).toBeVisible();

  await request.post(`/api/v1/tasks/${taskId}/cancel`, { headers });
});
