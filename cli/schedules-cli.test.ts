import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { startHarness, type Harness } from '../test/harness';

const BIN = path.resolve(import.meta.dirname, '../bin/ecs.mjs');
const PASSWORD = 'cli-schedules-password-1';

let t: TestDb;
let h: Harness;
let home: string;

/** Runs the real `ecs` executable as a user would, with its own config directory. */
function ecs(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ECS_CONFIG_DIR: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(stdin);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  t = await createTestDb({ adminPassword: PASSWORD });
  h = await startHarness({ loops: false });
  home = mkdtempSync(path.join(os.tmpdir(), 'ecs-cli-schedules-'));
  expect((await ecs(['login', '--url', h.url, '--username', 'admin', '--password-stdin'], PASSWORD)).code).toBe(0);
});

afterAll(async () => {
  await h.close();
  await t.drop();
});

describe('ecs schedules', () => {
  it('creates, lists, pauses, resumes and triggers a schedule', { timeout: 120_000 }, async () => {
    const made = await ecs([
      'schedules',
      'create',
      '--name',
      'nightly',
      '--department',
      'legal',
      '--cron',
      '0 2 * * *',
      '--timezone',
      'Europe/Berlin',
      '--title',
      'review',
      '--type',
      'review',
      '--json',
    ]);
    expect(made.code).toBe(0);
    const s = JSON.parse(made.stdout);
    expect(s).toMatchObject({ name: 'nightly', cron: '0 2 * * *', timezone: 'Europe/Berlin', enabled: true });
    expect(s.nextFireTimes).toHaveLength(5);

    const list = await ecs(['schedules', 'list', '--department', 'legal']);
    expect(list.stdout).toContain('nightly');
    expect(list.stdout).toContain('active');

    expect((await ecs(['schedules', 'pause', s.id])).stdout).toContain('paused');
    expect((await ecs(['schedules', 'list'])).stdout).toContain('paused');
    expect((await ecs(['schedules', 'resume', s.id])).stdout).toContain('resumed');

    const fired = await ecs(['schedules', 'trigger', s.id, '--json']);
    expect(fired.code).toBe(0);
    expect(JSON.parse(fired.stdout).task).toMatchObject({ scheduleId: s.id, title: 'review', status: 'pending' });
  });

  it('shows the field a bad cron or time zone names, exit 1; a missing flag is a usage error', { timeout: 60_000 }, async () => {
    const bad = await ecs([
      'schedules',
      'create',
      '--name',
      'x',
      '--department',
      'legal',
      '--cron',
      '* * *',
      '--timezone',
      'Nowhere/Land',
      '--title',
      't',
      '--type',
      't',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cron: /);
    expect(bad.stderr).toMatch(/timezone: /);
    expect((await ecs(['schedules', 'trigger'])).code).toBe(2);
  });

  it('creates a delayed task with --delay-ms: scheduled, with its start', { timeout: 60_000 }, async () => {
    const r = await ecs(['tasks', 'create', '--title', 'later', '--department', 'legal', '--type', 'review', '--delay-ms', '3600000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(scheduled, starts \d{4}-/);
  });
});
