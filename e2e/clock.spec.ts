import { expect, test } from '@playwright/test';
import { admin, login } from './helpers';

// Whatever zone the server runs in, a reader in Los Angeles reads Los Angeles time, zone named.
test.use({ timezoneId: 'America/Los_Angeles' });

test('a task created now shows Los Angeles time on the task list and the task page', async ({ page, request }) => {
  const auth = (await (await request.post('/api/v1/auth/token', { data: admin })).json()).accessToken;
  const title = `clock ${Date.now()}`;
  const res = await request.post('/api/v1/tasks', {
    headers: { authorization: `Bearer ${auth}` },
    data: { title, departmentId: 'finance', type: 'e2e-clock' },
  });
  expect(res.status()).toBe(201);
  const task = await res.json();

  const la = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hour: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(task.createdAt));
  const hour = la.find((p) => p.type === 'hour')!.value;
  const zone = la.find((p) => p.type === 'timeZoneName')!.value;
  expect(zone).toMatch(/^P[SD]T$/);
  const laTime = new RegExp(`${hour}:\\d{2}:\\d{2} ${zone}`);

  try {
    await login(page);
    await page.goto(`/tasks?q=${encodeURIComponent(title)}`);
    const created = page.getByTestId('tasks-table').locator('tbody tr', { hasText: title }).locator('time');
    await expect(created).toHaveText(laTime);
    // The exact time, with its date, and how long ago, on hover.
    await expect(created).toHaveAttribute('title', new RegExp(`\\d{4}, ${hour}:\\d{2}:\\d{2} ${zone} · (just now|\\d+ (s|min) ago)`));
    await expect(created).toHaveAttribute('datetime', task.createdAt);

    await page.goto(`/tasks/${task.id}`);
    await expect(page.getByTestId('task-timeline').locator('li', { hasText: 'created' }).locator('time')).toHaveText(laTime);
  } finally {
    await request.post(`/api/v1/tasks/${task.id}/cancel`, { headers: { authorization: `Bearer ${auth}` } });
  }
});
