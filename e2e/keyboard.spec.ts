import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('"/" jumps to the search field, and types as usual inside a field', async ({ page }) => {
  await login(page);
  await page.goto('/tasks');
  const search = page.getByRole('search').getByLabel('Title');
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await page.keyboard.type('a/b');
  await expect(search).toHaveValue('a/b');
});
