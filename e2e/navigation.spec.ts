import { expect, test } from '@playwright/test';
import { adminHeaders, admin, login } from './helpers';

test('signing in returns to the page asked for', async ({ page }) => {
  await page.goto('/tasks?status=dead');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Ftasks%3Fstatus%3Ddead$/);
  await page.getByLabel('Username').fill(admin.username);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Dead letters' })).toBeVisible({ timeout: 20_000 });
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/tasks?status=dead');
});

for (const evil of ['//evil.com', 'https://evil.com', '/\\evil.com']) {
  test(`a callback to another site (${evil}) is refused: sign-in lands on the overview`, async ({ page }) => {
    await page.goto(`/login?callbackUrl=${encodeURIComponent(evil)}`);
    // The password form and every "Sign in with …" button carry the callback: all of them refuse it.
    const nexts = await page.locator('input[name="next"]').all();
    expect(nexts.length).toBeGreaterThan(0);
    for (const next of nexts) await expect(next).toHaveValue('/');
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('current-user')).toHaveText(admin.username, { timeout: 20_000 });
    expect(new URL(page.url()).host).not.toContain('evil');
    expect(new URL(page.url()).pathname).toBe('/');
  });
}

test("an unknown address shows the console's own not-found page with a way back", async ({ page }) => {
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('Nothing here');
  await login(page);
  const missing = await page.goto('/tasks/00000000-0000-4000-8000-000000000000');
  expect(missing?.status()).toBe(404);
  // Inside the console: its navigation stays, and a link leads back.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.getByTestId('not-found').getByRole('link', { name: 'Back to the overview' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("cancelling a task asks in the console's own dialog, not the browser's", async ({ page, request }) => {
  page.on('dialog', (d) => {
    throw new Error(`a browser dialog opened: ${d.message()}`);
  });
  const headers = await adminHeaders(request);
  // Scheduled an hour out: no agent anywhere is offered it.
  const task = await (
    await request.post('/api/v1/tasks', {
      headers,
      data: { title: `Confirm ${Date.now()}`, departmentId: 'sales', type: 'call', delayMs: 3_600_000 },
    })
  ).json();
  try {
    await login(page);
    await page.goto(`/tasks/${task.id}`);
    await page.getByRole('button', { name: 'Cancel task' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this task?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('task-timeline')).not.toContainText('Cancelled');

    await page.getByRole('button', { name: 'Cancel task' }).click();
    await dialog.getByRole('button', { name: 'Cancel task' }).click();
    await expect(page.getByTestId('task-timeline')).toContainText('Cancelled by admin');
  } finally {
    await request.post(`/api/v1/tasks/${task.id}/cancel`, { headers });
  }
});

test('the audit page fits a 1,440 px window: no sideways scroll, Export CSV and Sign out in view', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page);
  await page.goto('/security/audit');
  await expect(page.getByTestId('audit-table')).toBeVisible();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  await expect(page.getByRole('link', { name: 'Export CSV' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeInViewport();
});

test('on a phone the navigation row shows there is more to scroll to', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page);
  const scroller = page.getByTestId('nav-scroller');
  await expect(scroller).toHaveAttribute('data-more-right', 'true');
  await expect(page.getByTestId('nav-more-right')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).evaluate((n) => n.scrollTo({ left: n.scrollWidth }));
  await expect(scroller).toHaveAttribute('data-more-left', 'true');
  await expect(scroller).toHaveAttribute('data-more-right', 'false');
});
