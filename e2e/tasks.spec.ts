import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('a user creates a task in the console, sees its timeline and cancels it', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Tasks', exact: true }).click();
  await page.getByRole('link', { name: 'New task' }).click();

  // Field errors come from the same schema the REST API uses.
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page.locator('#title-error')).toBeVisible();

  const title = `Quarterly close ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Department').selectOption('finance');
  await page.getByLabel('Type').fill('reconciliation');
  await page.getByLabel('Priority').selectOption('high');
  await page.getByRole('button', { name: 'Create task' }).click();

  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByTestId('task-timeline')).toContainText('Created by admin');
  // Nobody took it yet: the page says why, from the department's agents.
  await expect(page.getByTestId('why-waiting')).toContainText(/Agents of Finance: \d+ online/);
  await page.getByRole('button', { name: 'Cancel task' }).click();
  await page.getByRole('dialog', { name: 'Cancel this task?' }).getByRole('button', { name: 'Cancel task' }).click();
  await expect(page.getByTestId('task-timeline')).toContainText('Cancelled by admin');

  await page.goto('/tasks?status=cancelled');
  await expect(page.getByTestId('tasks-table')).toContainText(title);
  // The console's live channel authenticates with the session cookie.
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-connected', 'true');
  await page.screenshot({ path: 'test-results/tasks.png', fullPage: true });
});

test('the agents page tells a new user how to add agents', async ({ page }) => {
  await login(page);
  // Other specs allocate agents; a filter nothing matches shows the empty state whatever ran before.
  await page.goto('/agents?q=no-agent-has-this-name');
  await expect(page.getByText('No agents match')).toBeVisible();
});
