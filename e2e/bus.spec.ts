import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('the Bus page shows live bus figures and picks up a message sent over REST', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Bus', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Coordination bus' })).toBeVisible();
  await expect(page.getByTestId('bus-connections')).toBeVisible();
  await expect(page.getByText('Throughput (per second, last minute)')).toBeVisible();
  // A message from this session (cookie-authenticated REST): the page's 2 s poll counts it.
  const res = await page.request.post('/api/v1/messages', { data: { to: { topic: 'e2e.bus' }, type: 'e2e', data: { at: Date.now() } } });
  expect(res.status()).toBe(201);
  await expect(page.locator('dt', { hasText: 'Topic' }).locator('xpath=following-sibling::dd[1]')).not.toHaveText('0', { timeout: 10_000 });
  await page.screenshot({ path: 'test-results/bus.png', fullPage: true });
});
