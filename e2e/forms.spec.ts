import { expect, test } from '@playwright/test';
import { login } from './helpers';

test('a refused New task form keeps what was typed and says what is wrong beside each field', async ({ page }) => {
  await login(page);
  await page.goto('/tasks/new');
  const form = page.getByRole('form', { name: 'New task' });
  // An empty title: nothing else typed is lost.
  await form.getByLabel('Department').selectOption('sales');
  await form.getByLabel('Type').fill('forecast');
  await form.getByLabel('Priority').selectOption('critical');
  await form.getByLabel('Required capabilities (comma-separated)').fill('crm, spreadsheets');
  await form.getByRole('button', { name: 'Create task' }).click();

  const title = form.getByLabel('Title');
  await expect(title).toHaveAttribute('aria-invalid', 'true');
  await expect(title).toHaveAttribute('aria-describedby', 'title-error');
  await expect(page.locator('#title-error')).toHaveText('Required');
  await expect(form.getByLabel('Department')).toHaveValue('sales');
  await expect(form.getByLabel('Type')).toHaveValue('forecast');
  await expect(form.getByLabel('Priority')).toHaveValue('critical');
  await expect(form.getByLabel('Required capabilities (comma-separated)')).toHaveValue('crm, spreadsheets');
  await expect(form).not.toContainText('Invalid input');
  await expect(form).not.toContainText('expected string');

  // Bad JSON: payload and title stay, the payload says why.
  await title.fill('Q4 forecast');
  await form.getByLabel('Payload (JSON, optional)').fill('{"quarter": 4,}');
  await form.getByRole('button', { name: 'Create task' }).click();
  const payload = form.getByLabel('Payload (JSON, optional)');
  await expect(payload).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#payload-error')).toContainText('Not valid JSON');
  await expect(payload).toHaveValue('{"quarter": 4,}');
  await expect(title).toHaveValue('Q4 forecast');
  await expect(title).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Department')).toHaveValue('sales');
});

test('a refused Create user form keeps username, role and departments and explains the password', async ({ page }) => {
  await login(page);
  await page.goto('/users');
  const form = page.getByRole('form', { name: 'Create user' });
  const username = `e2e-form-${Date.now()}`;
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Initial password').fill('short');
  await form.getByLabel('Role').selectOption('agent-supervisor');
  await form.getByRole('checkbox', { name: 'Sales' }).check();
  await form.getByRole('checkbox', { name: 'IT' }).check();
  await form.getByRole('button', { name: 'Create user' }).click();

  const password = form.getByLabel('Initial password');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#new-password-error')).toHaveText(/Must be at least \d+ characters/);
  await expect(form.getByLabel('Username')).toHaveValue(username);
  await expect(form.getByLabel('Role')).toHaveValue('agent-supervisor');
  await expect(form.getByRole('checkbox', { name: 'Sales' })).toBeChecked();
  await expect(form.getByRole('checkbox', { name: 'IT' })).toBeChecked();
  // The password itself is never sent back.
  await expect(password).toHaveValue('');

  // An empty username reads as words, not as the validator's text.
  await form.getByLabel('Username').fill('');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#new-username-error')).toBeVisible();
  await expect(form).not.toContainText('Invalid input');
  await expect(form).not.toContainText('received undefined');
});
