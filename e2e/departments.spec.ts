import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('an admin creates a department in the console, edits it, archives and unarchives it', async ({ page }) => {
  await login(page);
  await page.goto('/departments');
  const id = `e2e-dept-${Date.now().toString(36)}`;
  const form = page.getByRole('form', { name: 'Create department' });
  await form.getByLabel('Id (lower-case, e.g. customer-support)').fill(id);
  await form.getByLabel('Name').fill('Customer support');
  await form.getByLabel('Specializations (comma-separated)').fill('tier-1, tier-2');
  await form.getByLabel('communication').check();
  await form.getByRole('button', { name: 'Create department' }).click();
  await expect(form.getByRole('status')).toHaveText('Created Customer support');
  await expect(page.getByTestId('department-list')).toContainText('Customer support');

  await page.goto(`/departments/${id}`);
  const edit = page.getByRole('form', { name: 'Edit department' });
  await edit.getByLabel('Name').fill('Customer care');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByRole('status')).toHaveText('Saved Customer care');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Customer care' })).toBeVisible();

  await page.getByRole('button', { name: 'Archive', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Archive', exact: true }).click();
  await expect(page.getByTestId('archived-note')).toBeVisible();
  // An archived department takes no tasks: the API says why.
  const refused = await page.request.post('/api/v1/tasks', { data: { title: 'late', departmentId: id, type: 'x' } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).detail).toMatch(/archived/);

  await page.getByRole('button', { name: 'Unarchive' }).click();
  await expect(page.getByTestId('archived-note')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/departments.png', fullPage: true });
});
