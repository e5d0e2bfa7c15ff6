import { expect, test } from '@playwright/test';
import { adminHeaders, login } from './helpers';

const run = Date.now().toString(36);
const PASSWORD = 'e2e-strong-passphrase-42';

test('a coordinator lands on its portal, and the navigation offers only what its role can open', async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const coordinator = { username: `it-coord-${run}`, password: PASSWORD };
  const made = await request.post('/api/v1/departments/it/coordinators', { headers, data: coordinator });
  expect(made.status(), await made.text()).toBe(201);

  await login(page, coordinator);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { name: 'Coordinator portal' })).toBeVisible();
  // `/` is the overview for other roles; a coordinator's console starts at the portal.
  await page.goto('/');
  await expect(page).toHaveURL(/\/portal$/);

  const nav = page.getByRole('navigation', { name: 'Main' });
  const labels = await nav.getByRole('link').allInnerTexts();
  expect(labels[0]).toBe('Portal');
  expect(labels).toEqual(expect.arrayContaining(['Departments', 'Agents', 'Tasks', 'Schedules', 'Alerts', 'API tokens']));
  for (const hidden of ['Overview', 'Bus', 'Cluster', 'Security', 'Users', 'Webhooks']) expect(labels).not.toContain(hidden);
  await expect(nav.getByRole('link', { name: 'Portal' })).toHaveAttribute('aria-current', 'page');

  // Opened by address anyway, the fleet-wide pages say they are not for this role and show no figures.
  await page.goto('/bus');
  await expect(page.getByText('Bus figures cover every department')).toBeVisible();
  await expect(page.getByTestId('bus-messages-rate')).toHaveCount(0);
  await page.goto('/cluster');
  await expect(page.getByText('The cluster view covers every department')).toBeVisible();

  // Alerts list only the coordinator's department: none system-wide.
  await page.goto('/alerts?status=all');
  await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  const departments = await page
    .getByTestId('alerts-table')
    .locator('tbody tr td:nth-child(4)')
    .allInnerTexts()
    .catch(() => []);
  expect(departments.filter((d) => d !== 'it')).toEqual([]);
  // And the REST answers agree with the console.
  const token = (await (await request.post('/api/v1/auth/token', { data: coordinator })).json()).accessToken;
  expect((await request.get('/api/v1/bus/stats', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(403);
  const alerts = await (await request.get('/api/v1/alerts?limit=200', { headers: { authorization: `Bearer ${token}` } })).json();
  expect(alerts.items.every((a: { departmentId: string | null }) => a.departmentId === 'it')).toBe(true);
});

test('a department admin keeps the overview, without fleet-wide bus figures', async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const deptAdmin = { username: `it-admin-${run}`, password: PASSWORD };
  const made = await request.post('/api/v1/users', { headers, data: { ...deptAdmin, role: 'department-admin', departmentIds: ['it'] } });
  expect(made.status(), await made.text()).toBe(201);

  await login(page, deptAdmin);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('tile-bus')).toHaveCount(0);
  await expect(page.getByTestId('tile-resources')).toBeVisible();
  const labels = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
  expect(labels[0]).toBe('Overview');
  expect(labels).toEqual(expect.arrayContaining(['Webhooks', 'Users', 'Security', 'Portal']));
  for (const hidden of ['Bus', 'Cluster']) expect(labels).not.toContain(hidden);

  // An organisation-wide role still sees them.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await login(page);
  await expect(page.getByTestId('tile-bus')).toBeVisible();
  const adminLabels = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
  expect(adminLabels).toEqual(expect.arrayContaining(['Overview', 'Bus', 'Cluster', 'Security', 'Users', 'Webhooks', 'Portal']));
});
