import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('an admin registers a webhook in the console, sees its secret once, tests it and redelivers from its log', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks' })).toBeVisible();

  const form = page.getByRole('form', { name: 'New webhook' });
  // The server's own network is refused, with the reason on the URL field.
  await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/');
  await form.getByLabel('Department').selectOption('legal');
  await form.getByLabel('task.completed').check();
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await expect(page.locator('#url-error')).toContainText('private, loopback or link-local');

  // A public address literal: registration needs no DNS; nothing answers it from a test machine.
  const url = `http://93.184.215.14/hooks/${Date.now()}`;
  await form.getByLabel('URL').fill(url);
  await form.getByLabel('Department').selectOption('legal');
  await form.getByLabel('task.completed').check();
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveText(/^whsec_/);

  const table = page.getByTestId('webhooks-table');
  await table.getByRole('link', { name: url }).click();
  await expect(page.getByRole('heading', { name: url })).toBeVisible();
  await page.getByRole('button', { name: 'Send test event' }).click();
  const log = page.getByTestId('deliveries-table');
  await expect(log).toContainText('webhook.test', { timeout: 30_000 });
  await expect(log).toContainText('failed');
  await log.getByRole('button', { name: 'Redeliver' }).click();
  await expect(log).not.toContainText('failed', { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/webhooks.png', fullPage: true });
});
