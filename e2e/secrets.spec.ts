import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { adminHeaders, login } from './helpers';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('an agent registered in the console shows its secret once, with copy buttons, and the secret signs the agent in', async ({
  page,
  request,
}) => {
  const headers = await adminHeaders(request);
  await login(page);
  await page.goto('/agents');
  await page.getByRole('link', { name: 'Register agent' }).click();
  const form = page.getByRole('form', { name: 'Register agent' });
  const name = `e2e-registered-${Date.now()}`;
  // Sales: no spec puts tasks there that this agent (never connected) could be offered.
  await form.getByLabel('Department').selectOption('sales');
  await form.getByLabel('Name (optional)').fill(name);
  // A specialization Sales lacks is refused, beside the field, keeping the rest.
  await form.getByLabel('Specialization').fill('astrology');
  await form.getByRole('button', { name: 'Register agent' }).click();
  await expect(form.getByLabel('Specialization')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Name (optional)')).toHaveValue(name);

  await form.getByLabel('Specialization').fill('forecasting');
  await form.getByRole('button', { name: 'Register agent' }).click();
  const secret = (await page.getByTestId('new-agent-secret').textContent())!.trim();
  const agentId = (await page.getByTestId('new-agent-id').textContent())!.trim();
  try {
    await page.getByRole('button', { name: 'Copy agent secret' }).click();
    await expect(page.getByRole('button', { name: 'Copy agent secret: copied' })).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    // The id and secret are what an agent signs in with.
    const token = await request.post(`/api/v1/agents/${agentId}/token`, { data: { secret } });
    expect(token.status(), await token.text()).toBe(200);

    await page.getByRole('link', { name: `Open ${name}` }).click();
    await expect(page.getByRole('heading', { name })).toBeVisible();
    // Shown once: the agent's page has no secret.
    await expect(page.locator('main')).not.toContainText(secret);
  } finally {
    await request.delete(`/api/v1/agents/${agentId}`, { headers });
  }
});

test('a new API token has a copy button', async ({ page }) => {
  await login(page);
  await page.goto('/tokens');
  const form = page.getByRole('form', { name: 'Create API token' });
  await form.getByLabel('Name').fill(`e2e-copy-${Date.now()}`);
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  await page.getByRole('button', { name: 'Copy api token' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
});

test('MFA is one click from the header; recovery codes copy and download, and enrolment can be left', async ({ page, request }) => {
  const headers = await adminHeaders(request);
  const user = { username: `e2e-mfa-codes-${Date.now()}`, password: 'e2e-strong-passphrase-42' };
  expect((await request.post('/api/v1/users', { data: { ...user, role: 'auditor' }, headers })).status()).toBe(201);
  await login(page, user);
  await page.getByRole('link', { name: 'Two-factor sign-in' }).click();
  await expect(page).toHaveURL(/\/account\/mfa$/);
  await page.getByRole('button', { name: 'Set up MFA' }).click();
  await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
  const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents();
  expect(codes).toHaveLength(10);

  await page.getByRole('button', { name: 'Copy recovery codes' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .txt' }).click()]);
  expect(download.suggestedFilename()).toBe('ecs-recovery-codes.txt');
  const saved = readFileSync((await download.path())!, 'utf8');
  for (const c of codes) expect(saved).toContain(c);

  // Leaving enrolment: back to its first step, and back to the console.
  await page.getByRole('button', { name: 'Cancel setup' }).click();
  await expect(page.getByRole('button', { name: 'Set up MFA' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the console' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});
