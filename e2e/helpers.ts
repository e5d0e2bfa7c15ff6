import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const admin = { username: 'admin', password: 'e2e-admin-password-1' };

export async function login(page: Page, user = admin) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Signing in hashes a password and renders a first page: allow a busy machine more than the default 5 s.
  await expect(page.getByTestId('current-user')).toHaveText(user.username, { timeout: 20_000 });
}

/** A bearer token for the admin, for setting up through the REST API. */
export async function adminHeaders(request: APIRequestContext): Promise<Record<string, string>> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return { authorization: `Bearer ${(await res.json()).accessToken}` };
}
