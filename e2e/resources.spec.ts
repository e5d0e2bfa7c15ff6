import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('the admin sees the utilisation heat-map and changes a pool through the settings form', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Resources' }).first().click();
  await expect(page.getByRole('heading', { name: 'Resources', exact: true })).toBeVisible();
  const heatmap = page.getByTestId('utilisation-heatmap');
  await expect(heatmap.getByRole('rowheader', { name: 'Engineering' })).toBeVisible();
  await expect(heatmap.getByRole('columnheader', { name: 'compute' })).toBeVisible();

  await page.getByLabel('Department').selectOption('engineering');
  await page.getByLabel('Kind', { exact: true }).selectOption('compute');
  await expect(page.getByLabel('Guaranteed')).toHaveValue('400');
  await page.getByLabel('Guaranteed').fill('420');
  await page.getByLabel('Maximum').fill('820');
  await page.getByRole('button', { name: 'Save pool' }).click();
  await expect(page.locator('#pool-form-status')).toContainText('engineering compute: guaranteed 420, maximum 820, capacity 420');
  await expect(page.getByTestId('changes-table')).toContainText('guaranteed 400→420, maximum 800→820');

  await expect(page.getByLabel('Department')).toHaveValue('engineering');
  // An impossible value is refused with the reason, not an error page.
  await page.getByLabel('Guaranteed').fill('900');
  await page.getByLabel('Maximum').fill('800');
  await page.getByRole('button', { name: 'Save pool' }).click();
  await expect(page.locator('#pool-form-status')).toContainText('guaranteed (900) is above maximum (800)');
  await page.screenshot({ path: 'test-results/resources.png', fullPage: true });
});

test('an allocation made over REST shows in the table, and the sampling loop fills the history chart', async ({ page }) => {
  await login(page);
  // The console session cookie authenticates REST calls from the same browser context.
  const agentRes = await page.request.post('/api/v1/agents', {
    data: { departmentId: 'research', name: 'e2e-holder', type: 'worker', specialization: 'ml' },
  });
  expect(agentRes.status()).toBe(201);
  const { agent } = await agentRes.json();
  const alloc = await page.request.post('/api/v1/allocations', {
    data: { agentId: agent.id, resources: { compute: 12 }, priority: 'high' },
  });
  expect(alloc.status()).toBe(201);

  await page.goto('/resources');
  await expect(page.getByTestId('allocations-table')).toContainText('e2e-holder');
  await expect(page.getByTestId('allocations-table')).toContainText('compute 12');
  // RESOURCE_CHECK_INTERVAL is 10 s by default: the first samples land within one interval.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('img', { name: 'Utilisation history per resource kind' }).locator('svg').first()).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 30_000, intervals: [2000] });
  await page.screenshot({ path: 'test-results/resources-history.png', fullPage: true });
});
