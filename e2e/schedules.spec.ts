import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('a user creates a schedule in the console and sees the tasks it creates appear', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Schedules' })).toBeVisible();

  const name = `Heartbeat report ${Date.now()}`;
  const form = page.getByRole('form', { name: 'New schedule' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Department').selectOption('legal');
  // A pattern croner refuses comes back as an error on its field, from the API's schema.
  await form.getByLabel('Cron (5 fields, or 6 with seconds)').fill('every second');
  await form.getByLabel('Task title').fill('tick report');
  await form.getByLabel('Task type').fill('report');
  await form.getByRole('button', { name: 'Create schedule' }).click();
  await expect(page.locator('#cron-error')).toBeVisible();

  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Department').selectOption('legal');
  await form.getByLabel('Cron (5 fields, or 6 with seconds)').fill('*/2 * * * * *');
  await form.getByLabel('Task title').fill('tick report');
  await form.getByLabel('Task type').fill('report');
  await form.getByRole('button', { name: 'Create schedule' }).click();

  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('next-fire-times').locator('li')).toHaveCount(5);
  // The firing loop runs each second; the page refreshes on task events.
  const history = page.getByTestId('schedule-history');
  await expect(history.getByRole('link', { name: 'tick report' }).first()).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();

  await page.getByRole('button', { name: 'Trigger now' }).click();
  await expect(history).toContainText('by hand');
  await history.getByRole('link', { name: 'tick report' }).first().click();
  await expect(page.getByRole('heading', { name: 'tick report' })).toBeVisible();
  await expect(page.getByText('Created by schedule:')).toBeVisible();

  await page.goto('/schedules');
  const row = page.getByTestId('schedules-table').locator(`tr[data-schedule="${name}"]`);
  await expect(row).toContainText('paused');
  await page.screenshot({ path: 'test-results/schedules.png', fullPage: true });
});
