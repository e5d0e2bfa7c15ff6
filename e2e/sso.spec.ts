import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { authenticator } from 'otplib';
import { admin } from './helpers';
import { startTestProvider } from './oidc-test-provider';
import { oidcTestIssuer } from './sso-settings';

let provider: { close: () => Promise<void> } | undefined;
test.beforeAll(async () => {
  provider = await startTestProvider();
});
test.afterAll(async () => {
  await provider?.close();
});

async function adminAuth(request: APIRequestContext): Promise<{ authorization: string }> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return { authorization: `Bearer ${(await res.json()).accessToken}` };
}

/** Through the real login page: the provider's button, the provider's own login form, and back. */
async function signInWith(page: Page, providerName: string, account: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in with ${providerName}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${oidcTestIssuer}/interaction/`));
  await page.getByLabel('Account').fill(account);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Each sign-in in a browser of its own: the provider remembers who signed in last. */
async function inFreshBrowser<T>(browser: Browser, fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

test('the login page offers each configured provider beside the password form', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Test IdP' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with Partner IdP' })).toBeVisible();
});

test('an unknown user is refused with a page saying why where accounts are not created on first sign-in', async ({ page }) => {
  await signInWith(page, 'Partner IdP', 'nina');
  await expect(page).toHaveURL(/\/login\/refused\?reason=unknown-user/);
  await expect(page.getByRole('heading', { name: 'Single sign-on refused' })).toBeVisible();
  await expect(page.getByTestId('sso-refusal')).toContainText('has no account for you');
});

test('a user whose group the mapping does not name is refused even where accounts are created', async ({ page, request }) => {
  await signInWith(page, 'Test IdP', 'sam');
  await expect(page).toHaveURL(/\/login\/refused\?reason=not-mapped/);
  await expect(page.getByTestId('sso-refusal')).toContainText('does not put you in any group');
  const audit = await request.get('/api/v1/audit?action=auth.sso&limit=20', { headers: await adminAuth(request) });
  const refusal = (await audit.json()).items.find((r: { detail: { subject?: string } }) => r.detail.subject === 'sam');
  expect(refusal).toMatchObject({
    outcome: 'denied',
    detail: { provider: 'oidc', issuer: oidcTestIssuer, subject: 'sam', reason: 'not-mapped' },
  });
});

test('a new user gets the role their group maps to, and is refused once disabled though the provider still says yes', async ({
  browser,
  request,
}) => {
  await inFreshBrowser(browser, async (page) => {
    await signInWith(page, 'Test IdP', 'ada');
    await expect(page.getByTestId('current-user')).toHaveText('ada@example.test', { timeout: 20_000 });
    await expect(page.locator('header')).toContainText('(readonly)');
  });
  const auth = await adminAuth(request);
  const found = await (await request.get('/api/v1/users?q=ada@example.test', { headers: auth })).json();
  const ada = found.items.find((u: { username: string }) => u.username === 'ada@example.test');
  expect(ada).toMatchObject({ role: 'readonly', departmentIds: ['engineering'] });
  expect((await request.patch(`/api/v1/users/${ada.id}`, { data: { disabled: true }, headers: auth })).status()).toBe(200);
  await inFreshBrowser(browser, async (page) => {
    await signInWith(page, 'Test IdP', 'ada');
    await expect(page).toHaveURL(/\/login\/refused\?reason=disabled/);
    await expect(page.getByTestId('sso-refusal')).toContainText('Your account is disabled');
    // No session came of it.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
  });
});

test('a role that must use MFA gets in when the provider asserted MFA, and is held at enrolment when it did not', async ({
  browser,
  request,
}) => {
  const auth = await adminAuth(request);
  expect((await request.put('/api/v1/security/mfa-policy', { data: { requiredRoles: ['auditor'] }, headers: auth })).status()).toBe(200);
  try {
    await inFreshBrowser(browser, async (page) => {
      await signInWith(page, 'Test IdP', 'mia');
      await expect(page.getByTestId('current-user')).toHaveText('mia@example.test', { timeout: 20_000 });
      await expect(page.locator('header')).toContainText('(auditor)');
      await expect(page).not.toHaveURL(/\/account\/mfa/);
    });
    await inFreshBrowser(browser, async (page) => {
      await signInWith(page, 'Test IdP', 'max');
      await expect(page).toHaveURL(/\/account\/mfa\?required=1/, { timeout: 20_000 });
      await expect(page.getByText('Your role (auditor) must use MFA')).toBeVisible();
      // The console itself stays shut until enrolment.
      await page.goto('/');
      await expect(page).toHaveURL(/\/account\/mfa\?required=1/);
    });
  } finally {
    // The suite shares one database: later specs expect no MFA policy.
    await request.put('/api/v1/security/mfa-policy', { data: { requiredRoles: [] }, headers: auth });
  }
});

test('a user enrolled here gives their one-time code after a provider that did not assert MFA', async ({ browser, request }) => {
  const auth = await adminAuth(request);
  const user = { username: 'erin@example.test', password: 'e2e-strong-passphrase-42' };
  const made = await request.post('/api/v1/users', { data: { ...user, role: 'readonly' }, headers: auth });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as string;
  const erin = { authorization: `Bearer ${(await (await request.post('/api/v1/auth/token', { data: user })).json()).accessToken}` };
  const { secret } = await (await request.post(`/api/v1/users/${id}/mfa`, { data: {}, headers: erin })).json();
  expect((await request.post(`/api/v1/users/${id}/mfa`, { data: { code: authenticator.generate(secret) }, headers: erin })).status()).toBe(
    200,
  );

  await inFreshBrowser(browser, async (page) => {
    await signInWith(page, 'Test IdP', 'erin');
    await expect(page).toHaveURL(/\/login\/verify/, { timeout: 20_000 });
    // Until the code, the console stays shut.
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\/verify/);
    await page.getByLabel('One-time code').fill('000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'not valid' })).toBeVisible();
    // Enrolment spent the current time step: the next step's code is in the window.
    await page.getByLabel('One-time code').fill(authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByTestId('current-user')).toHaveText('erin@example.test', { timeout: 20_000 });
  });
});
