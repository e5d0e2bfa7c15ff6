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

/** The API's ids for the same sort and page as the console URL (a prefixed list's params unprefixed). */
async function apiIds(request: APIRequestContext, headers: Record<string, string>, api: string, url: string, prefix = '') {
  const params = new URLSearchParams(api.includes('?') ? api.slice(api.indexOf('?') + 1) : '');
  for (const [k, v] of new URL(url).searchParams) {
    if (!prefix) params.set(k, v);
    else if (k.startsWith(prefix)) params.set(k[prefix.length].toLowerCase() + k.slice(prefix.length + 1), v);
  }
  const res = await request.get(`${api.split('?')[0]}?${params}`, { headers });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { items: { id: string | number }[]; total: number };
  return { ids: body.items.map((r) => String(r.id)), total: body.total };
}

const rowKeys = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key') ?? ''));

type ListCheck = {
  path: string;
  testId: string;
  header: string;
  sortKey: string;
  noun: string;
  /** The REST list of the same rows; without one, `ordered` says whether row keys are in the sort's order. */
  api?: string;
  ordered?: (keys: string[], order: 'asc' | 'desc') => boolean;
  /** The list's params carry this prefix (a second list on the page). */
  prefix?: string;
  /** The header's column is the list's own order: sorted before any click. */
  initially?: 'descending';
};

/**
 * One list, checked the same way: a header sorts it both ways (aria-sort says which) into the API's
 * order for the same URL; the next page and back keep the order; the page size changes the rows; a
 * refused cursor shows the first page, and the API answers bad sort, order and cursor with 400.
 */
async function checkList(page: Page, request: APIRequestContext, headers: Record<string, string>, o: ListCheck) {
  const name = (n: string) => (o.prefix ? `${o.prefix}${n[0].toUpperCase()}${n.slice(1)}` : n);
  const sep = o.path.includes('?') ? '&' : '?';
  await page.goto(`${o.path}${sep}${name('limit')}=25`);
  const table = page.getByTestId(o.testId);
  const section = table.locator('xpath=ancestor::*[self::section or self::div][1]');
  const header = table.getByRole('columnheader', { name: o.header });
  const expectRows = async (order: 'asc' | 'desc') => {
    if (o.api) {
      const want = (await apiIds(request, headers, o.api, page.url(), o.prefix)).ids;
      await expect.poll(() => rowKeys(page, o.testId)).toEqual(want);
    } else expect(o.ordered!(await rowKeys(page, o.testId), order)).toBe(true);
  };
  if (o.initially) await expect(header).toHaveAttribute('aria-sort', o.initially);
  else await expect(header).not.toHaveAttribute('aria-sort');
  await header.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`${name('sort')}=${o.sortKey}&${name('order')}=asc`));
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expectRows('asc');
  await header.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`${name('sort')}=${o.sortKey}&${name('order')}=desc`));
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expectRows('desc');
  const first = await rowKeys(page, o.testId);
  expect(first).toHaveLength(25);
  await expect(section.getByTestId('table-total')).toHaveText(new RegExp(`^25 shown of \\d+ ${o.noun}$`));

  const pages = section.getByRole('navigation', { name: o.prefix ? `Pages of ${o.noun}` : 'Pages' });
  await expect(pages.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(new RegExp(`${name('cursor')}=`));
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await rowKeys(page, o.testId)).some((k) => first.includes(k))).toBe(false);
  await expectRows('desc');
  await pages.getByRole('link', { name: 'Previous page' }).click();
  await expect.poll(() => rowKeys(page, o.testId)).toEqual(first);

  const sizes = section.getByRole('navigation', { name: o.prefix ? `Rows per page of ${o.noun}` : 'Rows per page' });
  await sizes.getByRole('link', { name: '50' }).click();
  await expect(page).toHaveURL(new RegExp(`${name('limit')}=50`));
  await expect(sizes.getByRole('link', { name: '50' })).toHaveAttribute('aria-current', 'true');
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await rowKeys(page, o.testId)).length).toBeGreaterThan(25);
  expect((await rowKeys(page, o.testId)).slice(0, 25)).toEqual(first);

  // A cursor the list refuses shows the first page; the API answers 400 to it and to an unknown sort or order.
  const bad = await page.goto(`${o.path}${sep}${name('sort')}=${o.sortKey}&${name('cursor')}=bm90LWEtY3Vyc29y`);
  expect(bad?.status()).toBe(200);
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  if (o.api)
    for (const q of ['sort=nope', 'order=sideways', `sort=${o.sortKey}&cursor=bm90LWEtY3Vyc29y`]) {
      const res = await request.get(`${o.api}${o.api.includes('?') ? '&' : '?'}${q}`, { headers });
      expect(res.status(), `${o.api} ${q}`).toBe(400);
    }
}

test('schedules, security events, webhook deliveries and capacity changes sort, page and size like the other lists', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const headers = await adminHeaders(request);
  const run = `tables-more-${Date.now()}`;

  // 26 paused schedules in names that sort differently from when they were made.
  for (let i = 0; i < 26; i++) {
    const res = await request.post('/api/v1/schedules', {
      headers,
      data: {
        name: `${run} ${String.fromCharCode(97 + ((i * 7) % 26))}`,
        departmentId: 'it',
        cron: '0 3 * * *',
        enabled: false,
        task: { title: `${run} scheduled`, type: 'e2e-tables', priority: 'low' },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  // A webhook for the department's new tasks, and 26 of them: 26 deliveries.
  const hook = await request.post('/api/v1/webhooks', {
    headers,
    data: { url: `http://93.184.215.14/hooks/${run}`, departmentId: 'it', events: ['task.created'] },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const hookId = (await hook.json()).id;
  const taskIds = await createTasks(
    request,
    headers,
    'it',
    Array.from({ length: 26 }, (_, i) => `${run} task ${i}`),
  );
  await expect
    .poll(async () => (await (await request.get(`/api/v1/webhooks/${hookId}/deliveries`, { headers })).json()).total, { timeout: 30_000 })
    .toBe(26);
  // 26 capacity changes: the same limits set again, each recorded.
  const pools = (await (await request.get('/api/v1/departments/it/resources', { headers })).json()).pools as {
    type: string;
    guaranteed: number;
    maximum: number;
  }[];
  const compute = pools.find((p) => p.type === 'compute')!;
  for (let i = 0; i < 26; i++) {
    const res = await request.patch('/api/v1/departments/it/resources', {
      headers,
      data: { compute: { guaranteed: compute.guaranteed, maximum: compute.maximum } },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await login(page);
  await checkList(page, request, headers, {
    path: '/schedules?departmentId=it&enabled=false',
    api: '/api/v1/schedules?departmentId=it&enabled=false',
    testId: 'schedules-table',
    header: 'Name',
    sortKey: 'name',
    noun: 'schedules',
  });
  // The department shows by name, linking to its page.
  await expect(page.getByTestId('schedules-table').getByRole('link', { name: 'IT', exact: true }).first()).toHaveAttribute(
    'href',
    '/departments/it',
  );
  await checkList(page, request, headers, {
    path: `/webhooks/${hookId}`,
    api: `/api/v1/webhooks/${hookId}/deliveries`,
    testId: 'deliveries-table',
    header: 'Created',
    sortKey: 'createdAt',
    noun: 'deliveries',
    initially: 'descending',
  });
  // Security events: whatever the suite has recorded so far, sorted as the API sorts them.
  const events = await apiIds(request, headers, '/api/v1/security/events?sort=severity&order=desc', 'http://x/');
  await page.goto('/security?sort=severity&order=desc');
  const severity = page.getByTestId('security-events').getByRole('columnheader', { name: 'Severity' });
  if (events.total > 0) {
    await expect(severity).toHaveAttribute('aria-sort', 'descending');
    expect(await rowKeys(page, 'security-events')).toEqual(events.ids);
    await severity.getByRole('link').click();
    await expect(severity).toHaveAttribute('aria-sort', 'ascending');
    await expect
      .poll(() => rowKeys(page, 'security-events'))
      .toEqual((await apiIds(request, headers, '/api/v1/security/events', page.url())).ids);
  }
  for (const q of ['sort=nope', 'order=sideways', 'sort=kind&cursor=bm90LWEtY3Vyc29y']) {
    const res = await request.get(`/api/v1/security/events?${q}`, { headers });
    expect(res.status(), q).toBe(400);
  }
  // The capacity changes page apart from the allocations above them, in their own params.
  await checkList(page, request, headers, {
    path: '/resources',
    testId: 'changes-table',
    header: 'When',
    sortKey: 'at',
    initially: 'descending',
    // Changes are numbered as they happen.
    ordered: (keys, order) =>
      keys.every((k, i) => i === 0 || (order === 'asc' ? Number(k) > Number(keys[i - 1]) : Number(k) < Number(keys[i - 1]))),
    noun: 'capacity changes',
    prefix: 'changes',
  });

  await request.delete(`/api/v1/webhooks/${hookId}`, { headers });
  await Promise.all(taskIds.map((id) => request.post(`/api/v1/tasks/${id}/cancel`, { headers })));
});
