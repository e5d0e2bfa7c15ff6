import { expect, test } from '@playwright/test';
import { admin, login } from './helpers';

test('a wrong password is refused on the page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill('definitely-wrong-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#login-status')).toContainText('Invalid username or password');
});

test('console pages redirect to login without a session', async ({ page }) => {
  await page.goto('/departments');
  await expect(page).toHaveURL(/\/login/);
});

test('the admin logs in through the page and sees the ten departments', async ({ page }) => {
  await login(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.getByRole('link', { name: 'Departments' }).first().click();
  // The ten seeded departments (other specs may have added their own by now).
  const cards = page.getByTestId('department-list').getByRole('listitem');
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeGreaterThanOrEqual(10);
  for (const name of ['Engineering', 'Marketing', 'Sales', 'Finance', 'HR', 'Operations', 'Research', 'Legal', 'IT', 'Analytics']) {
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Engineering', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Engineering' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'compute' })).toBeVisible();
  await page.screenshot({ path: 'test-results/department-engineering.png', fullPage: true });
});
