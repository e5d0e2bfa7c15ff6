import { expect, test, type Page, type Route } from '@playwright/test';
import { login } from './helpers';

// The history API's answers are made here, so each chart is checked against exactly what it was
// given: points spread over a day, a minute still in progress, a slow answer.

const MINUTE = 60_000;
type Series = Record<string, { t: number; v: number }[]>;

function answer(route: Route, series: Series, openFrom: number | null) {
  return route.fulfill({ json: { range: '1h', bucketSeconds: 60, departmentId: null, series, openFrom } });
}

/** Every series named in the request, with the points `make` gives it. */
function historyFrom(make: (name: string, range: string) => { t: number; v: number }[], openFrom: (range: string) => number | null) {
  return async (page: Page) =>
    page.route('**/api/v1/metrics/history?**', (route) => {
      const url = new URL(route.request().url());
      const range = url.searchParams.get('range') ?? '1h';
      const names = (url.searchParams.get('name') ?? '').split(',');
      const by = url.searchParams.get('by');
      const series: Series = Object.fromEntries(names.map((n) => [by ? `${n}:engineering` : n, make(n, range)]));
      return answer(route, series, openFrom(range));
    });
}

test('charts say they are loading until history arrives, never "no samples" while it is on its way', async ({ page }) => {
  await login(page);
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route('**/api/v1/metrics/history?**', async (route) => {
    await held;
    const now = Date.now();
    await answer(route, { tasks_created: [{ t: now - 2 * MINUTE, v: 4 }] }, null);
  });
  await page.goto('/');
  const chart = page.getByTestId('chart-throughput');
  await expect(chart).toHaveAttribute('data-state', 'loading');
  await expect(chart).toHaveAttribute('aria-busy', 'true');
  await expect(chart).toContainText('Loading history');
  await expect(chart).not.toContainText('No samples');
  release();
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).not.toContainText('Loading history');
});

test('the minute in progress is drawn apart from full minutes, idle agents are grey, and day-long axes carry dates', async ({ page }) => {
  const now = Date.now();
  const open = Math.floor(now / MINUTE) * MINUTE;
  await historyFrom(
    (name, range) => {
      if (range === '24h') return [0, 6, 12, 18].map((h) => ({ t: now - (20 - h) * 3_600_000, v: 3 }));
      // Three settled minutes, then the minute in progress: a count there is partial (1, not ~10).
      const pts = [open - 3 * MINUTE, open - 2 * MINUTE, open - MINUTE].map((t) => ({ t, v: 10 }));
      return [...pts, { t: open, v: name.startsWith('tasks_') ? 1 : 10 }];
    },
    (range) => (range === '24h' ? null : open),
  )(page);
  await login(page);
  await page.goto('/');
  const throughput = page.getByTestId('chart-throughput');
  await expect(throughput).toHaveAttribute('data-state', 'ready');
  // Counts' lines stop at the last full minute; the partial one is a faint dashed segment in a
  // shaded band. Levels (queue, agents) are whole at any moment and stay one line.
  await expect(throughput).toHaveAttribute('data-points', '4');
  await expect(throughput.locator('.open-minute')).toHaveCount(2);
  await expect(throughput.locator('.recharts-reference-area')).toHaveCount(1);
  await expect(throughput).toContainText('in progress');
  await expect(throughput).toContainText('The shaded minute is still in progress: its dashed counts are partial.');
  await expect(throughput.locator('.recharts-legend-item')).toHaveCount(2);
  const queue = page.getByTestId('chart-queue');
  await expect(queue).toHaveAttribute('data-points', '4');
  await expect(queue.locator('.open-minute')).toHaveCount(0);
  await expect(queue.locator('.recharts-reference-area')).toHaveCount(0);

  const strokeOf = (label: string) =>
    queue.locator('.recharts-legend-item', { hasText: label }).locator('.recharts-legend-icon').first().getAttribute('stroke');
  expect((await strokeOf('idle agents'))?.toLowerCase()).toBe('#94a3b8');
  const busy = (await strokeOf('busy agents'))?.toLowerCase();
  const offline = (await strokeOf('offline agents'))?.toLowerCase();
  expect(new Set(['#94a3b8', busy, offline]).size).toBe(3);
  for (const colour of [busy, offline, '#94a3b8']) expect(colour).not.toBe('#ef4444');

  // A day's range: every tick names its day ("Dec 7 13:00"), not only its hour.
  await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '24 hours' }).click();
  await expect(throughput).toHaveAttribute('data-state', 'ready');
  await expect(throughput).toHaveAttribute('data-points', '4');
  // The value axis reads in plain numbers; every other tick belongs to the time axis.
  const labels = await throughput.locator('.recharts-cartesian-axis-tick-value').allTextContents();
  const ticks = labels.filter((l) => !/^-?[\d.]+$/.test(l));
  expect(ticks.length).toBeGreaterThan(1);
  for (const tick of ticks) expect(tick).toMatch(/^[A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}$/);
  await expect(throughput).not.toContainText('still in progress');
  await expect(throughput.locator('.open-minute')).toHaveCount(0);
});

test('the chosen range stays in the address: it survives a reload, and Back returns to the one before', async ({ page }) => {
  await login(page);
  await page.goto('/');
  const range = page.getByRole('group', { name: 'Range' });
  await expect(range.getByRole('button', { name: '1 hour' })).toHaveAttribute('aria-pressed', 'true');
  await range.getByRole('button', { name: '24 hours' }).click();
  await expect(page).toHaveURL(/\?range=24h$/);
  await expect(range.getByRole('button', { name: '24 hours' })).toHaveAttribute('aria-pressed', 'true');
  await range.getByRole('button', { name: '7 days' }).click();
  await expect(page).toHaveURL(/\?range=7d$/);
  await page.reload();
  await expect(range.getByRole('button', { name: '7 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('chart-throughput')).not.toHaveAttribute('data-state', 'loading');
  await page.goBack();
  await expect(page).toHaveURL(/\?range=24h$/);
  await expect(range.getByRole('button', { name: '24 hours' })).toHaveAttribute('aria-pressed', 'true');
  await page.goBack();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  await expect(range.getByRole('button', { name: '1 hour' })).toHaveAttribute('aria-pressed', 'true');

  // A department page keeps its range the same way.
  await page.goto('/departments/engineering?range=15m');
  await expect(page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '15 min' })).toHaveAttribute('aria-pressed', 'true');
});
