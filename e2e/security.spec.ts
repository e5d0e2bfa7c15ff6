import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { authenticator } from 'otplib';
import { admin, login } from './helpers';

const run = Date.now().toString(36);
const PASSWORD = 'e2e-strong-passphrase-42';

async function adminToken(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/auth/token', { data: admin });
  expect(res.status()).toBe(200);
  return (await res.json()).accessToken;
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

test('a Marketing coordinator sees only Marketing in the portal; Engineering is 404 for them', async ({ page, request }) => {
  const token = await adminToken(request);
  const coordinator = { username: `mkt-coord-${run}`, password: PASSWORD };
  const made = await request.post('/api/v1/departments/marketing/coordinators', {
    data: coordinator,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(made.status()).toBe(201);
  const auth = { authorization: `Bearer ${token}` };
  const agentIn = async (departmentId: string, name: string, specialization: string) => {
    const res = await request.post('/api/v1/agents', { data: { departmentId, name, type: 'worker', specialization }, headers: auth });
    expect(res.status()).toBe(201);
    return (await res.json()).agent.id as string;
  };
  const taskIn = async (departmentId: string, title: string) => {
    const res = await request.post('/api/v1/tasks', { data: { departmentId, title, type: 'chore' }, headers: auth });
    expect(res.status()).toBe(201);
    return (await res.json()).id as string;
  };
  const mktAgent = await agentIn('marketing', `mkt-agent-${run}`, 'campaigns');
  const engAgent = await agentIn('engineering', `eng-agent-${run}`, 'backend');
  await taskIn('marketing', `mkt-task-${run}`);
  const engTask = await taskIn('engineering', `eng-task-${run}`);

  await login(page, coordinator);
  await page.getByRole('link', { name: 'Portal' }).click();
  await expect(page.getByRole('heading', { name: 'Coordinator portal' })).toBeVisible();
  await expect(page.getByTestId('portal-marketing')).toBeVisible();
  await expect(page.getByTestId('portal-marketing').getByRole('heading', { name: 'Resource pools' })).toBeVisible();
  await expect(page.getByTestId('portal-agents-marketing')).toContainText(`mkt-agent-${run}`);
  await expect(page.getByTestId('portal-tasks-marketing')).toContainText(`mkt-task-${run}`);
  await expect(page.getByTestId('portal-engineering')).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText('Engineering');
  await expect(page.locator('main')).not.toContainText(`eng-agent-${run}`);
  await expect(page.locator('main')).not.toContainText(`eng-task-${run}`);
  await page.screenshot({ path: 'test-results/portal-marketing-coordinator.png', fullPage: true });

  // The department list is scoped too, and Engineering's page answers 404.
  await page.getByRole('link', { name: 'Departments' }).first().click();
  await expect(page.getByTestId('department-list').getByRole('listitem')).toHaveCount(1);
  const eng = await page.goto('/departments/engineering');
  expect(eng?.status()).toBe(404);
  const mkt = await page.goto('/departments/marketing');
  expect(mkt?.status()).toBe(200);

  // And through REST with the coordinator's own token.
  const ct = (await (await request.post('/api/v1/auth/token', { data: coordinator })).json()).accessToken;
  expect((await request.get('/api/v1/departments/engineering/status', { headers: { authorization: `Bearer ${ct}` } })).status()).toBe(404);
  const as = { authorization: `Bearer ${ct}` };
  expect((await request.patch('/api/v1/departments/engineering', { data: { description: 'x' }, headers: as })).status()).toBe(403);
  expect((await request.get(`/api/v1/agents/${engAgent}`, { headers: as })).status()).toBe(404);
  expect((await request.delete(`/api/v1/agents/${engAgent}`, { headers: as })).status()).toBe(404);
  expect((await request.get(`/api/v1/tasks/${engTask}`, { headers: as })).status()).toBe(404);
  expect((await request.post(`/api/v1/tasks/${engTask}/cancel`, { headers: as })).status()).toBe(404);
  const listed = await (await request.get('/api/v1/tasks?limit=500', { headers: as })).json();
  expect(listed.items.every((t: { departmentId: string }) => t.departmentId === 'marketing')).toBe(true);
  // The console pages for those ids are 404 too.
  expect((await page.goto(`/agents/${engAgent}`))?.status()).toBe(404);
  expect((await page.goto(`/tasks/${engTask}`))?.status()).toBe(404);

  // Leave the shared e2e database as other specs expect it: no live agents.
  for (const a of [mktAgent, engAgent]) expect((await request.delete(`/api/v1/agents/${a}`, { headers: auth })).status()).toBe(204);
});

test('an admin creates a user on the Users page and changes the role', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const name = `e2e-user-${run}`;
  const form = page.getByRole('form', { name: 'Create user' });
  await form.getByLabel('Username').fill(name);
  await form.getByLabel('Initial password').fill(PASSWORD);
  await form.getByLabel('Role').selectOption('agent-supervisor');
  await form.getByLabel('Sales').check();
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('status')).toHaveText(`Created ${name}`);
  const row = page.locator(`tr[data-username="${name}"]`);
  await expect(row).toContainText('agent-supervisor');
  await row.getByText(name).click();
  const edit = row.getByRole('form', { name: `Edit ${name}` });
  await edit.getByLabel('Role').selectOption('readonly');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByRole('status')).toHaveText(`Saved ${name}`);
  await page.reload();
  await expect(page.locator(`tr[data-username="${name}"]`)).toContainText('readonly');
});

test('a user enrols MFA with the QR page, then signs in with a code', async ({ page, request }) => {
  const token = await adminToken(request);
  const user = { username: `mfa-${run}`, password: PASSWORD };
  expect(
    (await request.post('/api/v1/users', { data: { ...user, role: 'auditor' }, headers: { authorization: `Bearer ${token}` } })).status(),
  ).toBe(201);
  await login(page, user);
  await page.goto('/account/mfa');
  await page.getByRole('button', { name: 'Set up MFA' }).click();
  await expect(page.getByTestId('mfa-qr').locator('svg')).toBeVisible();
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
  const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
  await page.screenshot({ path: 'test-results/mfa-enrolment.png', fullPage: true });
  await page.getByLabel('Code from the app').fill(authenticator.generate(secret));
  await page.getByRole('button', { name: 'Turn on MFA' }).click();
  await expect(page.getByText(/MFA is on/).first()).toBeVisible();

  await page.goto('/');
  await signOut(page);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#login-status')).toContainText('6-digit code');
  await page.getByLabel('Password').fill(user.password);
  // Each time step signs in once, and enrolment spent the current one: the next step's code is in the window.
  await page.getByLabel('One-time code').fill(authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('current-user')).toHaveText(user.username);
});

test('an API token is shown once, works, and stops working when revoked', async ({ page, request }) => {
  await login(page);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name').fill(`script-${run}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').textContent())!.trim();
  expect(secret).toMatch(/^ecs_pat_/);
  expect((await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
  await page.getByRole('button', { name: `Revoke script-${run}` }).click();
  await expect(page.getByTestId('token-table').getByRole('row', { name: new RegExp(`script-${run}`) })).toContainText('revoked');
  expect((await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);
});

test('six bad logins lock the account; the lockout shows on the Security and Audit pages', async ({ page, request }) => {
  const token = await adminToken(request);
  const victim = { username: `victim-${run}`, password: PASSWORD };
  expect(
    (
      await request.post('/api/v1/users', { data: { ...victim, role: 'readonly' }, headers: { authorization: `Bearer ${token}` } })
    ).status(),
  ).toBe(201);
  const answers = await Promise.all(
    Array.from({ length: 6 }, () =>
      request.post('/api/v1/auth/token', { data: { username: victim.username, password: 'not-the-password-1' } }),
    ),
  );
  const statuses = answers.map((r) => r.status()).sort();
  expect(statuses).toEqual([401, 401, 401, 401, 423, 423]);
  expect(Number(answers.find((r) => r.status() === 423)!.headers()['retry-after'])).toBeGreaterThan(0);

  await login(page);
  await page.getByRole('link', { name: 'Security' }).click();
  await expect(
    page.getByTestId('security-events').getByRole('row', { name: new RegExp(`account-lockout.*${victim.username}`) }),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action (e.g. user.*)').fill('auth.lockout');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('audit-table')).toContainText(victim.username);
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('Intact');
  const csv = await page.request.get((await page.getByTestId('csv-export').getAttribute('href'))!);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('auth.lockout');
  await page.screenshot({ path: 'test-results/security-audit.png', fullPage: true });
});

test('pages run only scripts carrying the per-request nonce: an injected inline script is refused', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const first = await page.goto('/login');
  const policy = first!.headers()['content-security-policy'];
  const scriptSrc = policy.split(';').find((d) => d.trim().startsWith('script-src'))!;
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  expect(scriptSrc).not.toContain('unsafe-inline');
  const again = await page.request.get('/login');
  expect(again.headers()['content-security-policy']).not.toBe(policy);
  // The app's own scripts (Next's bootstrap, the theme script) still run: the page hydrates and logs in.
  await login(page);
  expect(violations).toEqual([]);
  // Markup that slipped through, as stored XSS would place it: its inline handler must not run.
  const blocked = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
        document.body.insertAdjacentHTML('beforeend', '<img alt="" src="/no-such-image.png" onerror="window.__injected = true">');
        setTimeout(() => resolve('none'), 5000);
      }),
  );
  expect(blocked).toMatch(/^script-src/);
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
});

test('a malformed login callbackUrl gets a 400 from the running server, never a 500 page', async ({ request }) => {
  for (const path of [
    '/api/auth/error?callbackUrl=evil.example.com',
    '/api/auth/signin?callbackUrl=ftp%3A%2F%2Fevil',
    '/api/auth/session?callbackUrl=javascript%3Aalert(1)',
  ]) {
    expect((await request.get(path)).status(), path).toBe(400);
  }
  expect((await request.get('/api/auth/session?callbackUrl=https%3A%2F%2Fevil.example.com%2F')).status()).toBe(200);
});
