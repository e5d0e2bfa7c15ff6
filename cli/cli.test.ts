import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { tasks } from '@/db/schema/work';
import { startHarness, type Harness } from '../test/harness';
import { apiAs, waitFor, type ApiClient } from '../sim/fleet';
import { parseCsv } from './rows';
import { main } from './main';

const BIN = path.resolve(import.meta.dirname, '../bin/ecs.mjs');
const PASSWORD = 'cli-admin-password-1';

let t: TestDb;
let h: Harness;
let api: ApiClient;
let home: string;

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the real `ecs` executable as a user would, with its own config directory. */
function ecs(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ECS_CONFIG_DIR: home, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  t = await createTestDb({ adminPassword: PASSWORD });
  h = await startHarness({ loops: false });
  api = await apiAs(h.url, 'admin', PASSWORD);
  home = mkdtempSync(path.join(os.tmpdir(), 'ecs-cli-'));
});

afterAll(async () => {
  await h.close();
  await t.drop();
});

describe('ecs CLI', () => {
  it('logs in from stdin and keeps the token in an owner-only credentials file', async () => {
    const r = await ecs(['login', '--url', h.url, '--username', 'admin', '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(home, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const who = await ecs(['whoami', '--json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ username: 'admin', role: 'super-admin' });
  });

  it('prints asked-for help to stdout and exits 0, for the whole tool and each command', async () => {
    const real = await ecs(['--help']);
    expect({ code: real.code, stderr: real.stderr }).toEqual({ code: 0, stderr: '' });
    expect(real.stdout).toContain('Usage: ecs <command>');
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), stderr: process.stderr });
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    };
    for (const args of [['-h'], ['help']]) expect(await run(args)).toEqual({ code: 0, stdout: real.stdout.trimEnd(), stderr: '' });
    for (const cmd of ['login', 'departments', 'agents', 'tasks', 'import', 'export', 'whoami']) {
      const r = await run([cmd, '--help']);
      expect({ cmd, code: r.code, stderr: r.stderr }).toEqual({ cmd, code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^  (${cmd}|.*\\| ${cmd})\\b`, 'm'));
      expect((await run(['help', cmd])).stdout).toBe(r.stdout);
    }
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: ecs <command>');
  });

  it('archives a department and brings it back', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), stderr: process.stderr };
    const created = await api.call('POST', '/api/v1/departments', { id: 'cli-archive', name: 'CLI archive' });
    expect(created.status).toBe(201);
    expect(await main(['departments', 'archive', 'cli-archive', '--url', h.url, '--token', api.token], io)).toBe(0);
    expect(out.pop()).toBe('Archived department cli-archive');
    const refused = await api.call('POST', '/api/v1/tasks', { title: 'x', departmentId: 'cli-archive', type: 'x' });
    expect(refused.status).toBe(409);
    expect(await main(['departments', 'unarchive', 'cli-archive', '--url', h.url, '--token', api.token], io)).toBe(0);
    expect(out.pop()).toBe('Unarchived department cli-archive');
    expect(await main(['departments', 'archive', '--url', h.url, '--token', api.token], io)).toBe(2);
  });

  it('exits 3 on bad credentials, 2 on a usage error', async () => {
    const bad = await ecs(['login', '--url', h.url, '--username', 'admin', '--password-stdin'], { stdin: 'wrong-password-1' });
    expect(bad.code).toBe(3);
    expect((await ecs(['tasks', 'list', '--token', 'not-a-real-token-123456', '--url', h.url])).code).toBe(3);
    expect((await ecs(['tasks', 'frobnicate'])).code).toBe(2);
    expect((await ecs(['--no-such-flag'])).code).toBe(2);
    expect((await ecs(['tasks', 'create', '--title', 'x'])).stderr).toContain('Missing --department');
  });

  it('imports 5,000 CSV tasks with progress: creates the valid ones, reports each rejected row with its reasons, and a re-run duplicates nothing', {
    timeout: 600_000,
  }, async () => {
    const lines = ['title,departmentId,type,priority,payload,requirements.specialization,maxAttempts'];
    const invalid = new Map<number, string>(); // file line → expected reason fragment
    for (let i = 0; i < 5000; i++) {
      const line = i + 2;
      const row = [`"bulk ${i}, with ""quotes"""`, 'engineering', 'build', 'high', `"{""n"":${i}}"`, 'backend', '3'];
      // Every 250 rows, four broken ones: the column to spoil, its bad value, the reason expected.
      const broken = (
        { 7: [3, 'urgent', 'priority'], 99: [0, '', 'title'], 150: [1, 'no-such-dept', '404'], 200: [6, '0', 'maxAttempts'] } as const
      )[(i % 250) as 7 | 99 | 150 | 200];
      if (broken) {
        row[broken[0]] = broken[1];
        invalid.set(line, broken[2]);
      }
      lines.push(row.join(','));
    }
    const file = path.join(home, 'tasks.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(parseCsv(lines[2])[0].cells[0]).toBe('bulk 1, with "quotes"');

    const r = await ecs(['import', 'tasks', file, '--json', '--concurrency', '8']);
    expect(r.code).toBe(1); // some rows were rejected
    const out = JSON.parse(r.stdout) as { total: number; created: number; rejected: { line: number; reasons: string[] }[] };
    expect(out.total).toBe(5000);
    expect(out.created).toBe(5000 - invalid.size);
    expect(out.rejected.map((x) => x.line)).toEqual([...invalid.keys()].sort((a, b) => a - b));
    for (const rej of out.rejected) expect(rej.reasons.join(' ')).toContain(invalid.get(rej.line));
    expect(r.stderr).toContain('import tasks 50%');
    expect(r.stderr).toContain('100% (5000/5000)');
    const count = async () => (await t.db.select({ id: tasks.id }).from(tasks).where(like(tasks.title, 'bulk %'))).length;
    expect(await count()).toBe(5000 - invalid.size);
    const sample = (await api.call('GET', '/api/v1/tasks?departmentId=engineering&q=bulk 1234,&limit=5')).body.items;
    expect(sample[0]).toMatchObject({ title: 'bulk 1234, with "quotes"', priority: 'high', payload: { n: 1234 } });

    // Same file again: every row answers from its Idempotency-Key; nothing new is created.
    const again = await ecs(['import', 'tasks', file, '--json', '--concurrency', '8']);
    expect(JSON.parse(again.stdout).created).toBe(5000 - invalid.size);
    expect(await count()).toBe(5000 - invalid.size);
  });

  it('imports agents from YAML and prints a human summary', async () => {
    const file = path.join(home, 'agents.yaml');
    writeFileSync(
      file,
      [
        '- name: yaml-a',
        '  type: worker',
        '  specialization: frontend',
        '  capabilities: [react]',
        '- name: yaml-b',
        '  type: worker',
      ].join('\n'),
    );
    const r = await ecs(['import', 'agents', file, '--department', 'engineering']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 of 2 agents created, 1 rejected');
    expect(r.stdout).toMatch(/line 2: specialization: /);
  });

  it('lists and creates tasks, as a table and as JSON', async () => {
    const created = await ecs([
      'tasks',
      'create',
      '--title',
      'from cli',
      '--department',
      'sales',
      '--type',
      'call',
      '--payload',
      '{"a":1}',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const task = JSON.parse(created.stdout);
    expect(task).toMatchObject({ title: 'from cli', departmentId: 'sales', payload: { a: 1 } });
    const list = await ecs(['tasks', 'list', '--department', 'sales']);
    expect(list.stdout).toMatch(/^ID\s+TITLE/);
    expect(list.stdout).toContain(task.id);
    const depts = await ecs(['departments', 'list', '--json']);
    expect(JSON.parse(depts.stdout).map((d: { id: string }) => d.id)).toContain('engineering');
  });

  it('`tasks watch` streams task events as they happen', async () => {
    const child = spawn(process.execPath, [BIN, 'tasks', 'watch', '--json'], { env: { ...process.env, ECS_CONFIG_DIR: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    try {
      await waitFor(() => stderr.includes('watching'), 20_000);
      const res = await api.call('POST', '/api/v1/tasks', { title: 'watched', departmentId: 'finance', type: 'audit' });
      expect(res.status).toBe(201);
      await api.call('POST', `/api/v1/tasks/${res.body.id}/cancel`);
      const events = await waitFor(() => {
        const evs = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .filter((e) => e.id === res.body.id);
        return evs.length >= 2 && evs;
      }, 10_000);
      expect(events.map((e: { status: string }) => e.status)).toEqual(['pending', 'cancelled']);
      expect(events[0].type).toBe('task:update');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
  });

  it('exports the audit log as CSV, and explains an export the server does not offer yet', async () => {
    const file = path.join(home, 'audit.csv');
    const audit = await ecs(['export', 'audit', '--action', 'task.*', '-o', file]);
    expect(audit.code).toBe(0);
    const rows = parseCsv(readFileSync(file, 'utf8'));
    expect(rows.length).toBeGreaterThan(100); // the imported tasks, each audited
    expect(rows[0].cells.join(',')).toMatch(/action/);
    const metrics = await ecs(['export', 'metrics', '--name', 'tasks.completed']);
    if (metrics.code !== 0) {
      // Until the metrics history route is on this build, the CLI says so plainly.
      expect(metrics.code).toBe(1);
      expect(metrics.stderr).toMatch(/This server has no metrics history|400/);
    }
  });
});
