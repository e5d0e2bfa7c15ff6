import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('the Cluster page lists this server process with its figures and the jobs it leads', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Cluster', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Cluster', exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('cluster-processes').locator('[data-value]')).toHaveText('1');
  const row = page.getByTestId('cluster-table').getByRole('row').filter({ hasText: 'this one' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('MiB');
  // One process leads every once-per-cluster job.
  await expect(page.getByRole('row', { name: /alerts/ }).last()).not.toContainText('no process yet', { timeout: 10_000 });
  // The status API answers the same process list.
  const status = await (await page.request.get('/api/v1/status')).json();
  expect(status.processes).toHaveLength(1);
  expect(status.processes[0].self).toBe(true);
  await page.screenshot({ path: 'test-results/cluster.png', fullPage: true });
});
