import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('an admin sets department quotas in the console, sees their use, and the API enforces them', async ({ page }) => {
  await login(page);
  const id = `e2e-quota-${Date.now().toString(36)}`;
  expect((await page.request.post('/api/v1/departments', { data: { id, name: 'Quota desk' } })).status()).toBe(201);

  await page.goto(`/departments/${id}`);
  const edit = page.getByRole('form', { name: 'Edit department' });
  await edit.getByLabel('Tasks per minute').fill('2');
  await edit.getByLabel('Max pending tasks').fill('5');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByRole('status')).toHaveText('Saved Quota desk');

  const create = () => page.request.post('/api/v1/tasks', { data: { title: 'probe', departmentId: id, type: 'x' } });
  expect((await create()).status()).toBe(201);
  expect((await create()).status()).toBe(201);
  const limited = await create();
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(0);
  expect(await limited.json()).toMatchObject({ quota: 'tasksPerMinute', limit: 2 });

  await page.reload();
  const bars = page.getByTestId('quota-bars');
  await expect(bars.locator('[data-quota="tasksPerMinute"]')).toContainText('2 / 2');
  await expect(bars.locator('[data-quota="maxPendingTasks"]')).toContainText('2 / 5');
  await expect(bars.locator('[data-quota="maxMonthlyCost"]')).toContainText('no quota');

  // Blank removes the quota.
  await edit.getByLabel('Tasks per minute').fill('');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByRole('status')).toHaveText('Saved Quota desk');
  expect((await create()).status()).toBe(201);
  await page.screenshot({ path: 'test-results/quotas.png', fullPage: true });
});

test('an API token made in the console with a requests-per-minute quota is held to it', async ({ page }) => {
  await login(page);
  await page.goto('/tokens');
  const form = page.getByRole('form', { name: 'Create API token' });
  await form.getByLabel('Name').fill('limited script');
  await form.getByLabel('Requests per minute (empty = no limit)').fill('2');
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await form.getByTestId('new-token').textContent())!.trim();
  const me = () => page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect((await me()).status()).toBe(200);
  expect((await me()).status()).toBe(200);
  const limited = await me();
  expect(limited.status()).toBe(429);
  expect((await limited.json()).quota).toBe('requestsPerMinute');
});
