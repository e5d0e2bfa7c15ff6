import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EcsClient } from '@/lib/client/client';
import { EcsApiError } from '@/lib/client/http';
import { watchLive } from '@/lib/client/live';
import { credentialsFile, loadCredentials, removeCredentials, saveCredentials } from './credentials';
import { importRows, type ImportKind } from './import';
import { progressReporter, table, toCsv } from './output';
import { readRows } from './rows';

/** Exit codes, for shell pipelines. */
export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3 } as const;

class UsageError extends Error {}

const USAGE = `ecs — command line for the Enterprise Coordination System

Usage: ecs <command> [options]

  login --username U [--password P | --password-stdin]   keep a token in ${'~/.config/ecs/credentials.json'}
  logout | whoami
  departments list | create --id ID --name NAME [--description D]
  departments archive ID [--force] | unarchive ID   --force cancels its open tasks
  agents list [--department D] [--status S] | create --department D --type T --specialization S [--name N] [--capabilities a,b]
  tasks list [--department D] [--status S] [--priority P] [--limit N]
  tasks create --title T --department D --type T [--priority P] [--payload JSON] [--run-at ISO | --delay-ms N]
               [--timeout MS] [--max-attempts N] [--depends-on id,id] [--dependency-policy cancel|wait]
  tasks get ID                           the task, with its attempts (agent, start, end, outcome, error)
  tasks watch [--department D]           stream task events live (Ctrl-C to stop)
  schedules list [--department D] [--limit N]
  schedules create --name N --department D --cron '0 2 * * *' --title T --type T [--timezone TZ] [--priority P]
                   [--payload JSON] [--overlap skip|allow] [--catch-up latest|none|all] [--paused]
  schedules pause ID | resume ID | trigger ID
  import agents|tasks FILE [--format csv|json|yaml] [--concurrency N] [--department D] [--secrets FILE]
  export audit [--from ISO] [--to ISO] [--actor A] [--action A] [-o FILE]
  export metrics --name a,b [--range 1h] [--department D] [-o FILE]

Global: --url URL (or ECS_URL), --token T (or ECS_TOKEN), --json (machine-readable output), -h/--help
Exit codes: 0 ok, 1 failure (or rows rejected), 2 usage, 3 authentication or permission`;

/** The usage lines of one command (`ecs tasks --help`), or all of them. */
function helpFor(cmd: string | undefined): string {
  const [head, body, foot] = USAGE.split('\n\n');
  // A command's lines, with the deeper-indented lines that continue them.
  const lines: string[] = [];
  let taking = false;
  for (const l of body.split('\n')) {
    if (/^ {3,}\S/.test(l)) {
      if (taking) lines.push(l);
      continue;
    }
    taking = !!cmd && new RegExp(`^  (${cmd}\\b|.*\\| ${cmd}\\b)`).test(l);
    if (taking) lines.push(l);
  }
  return lines.length ? [head, lines.join('\n'), foot].join('\n\n') : USAGE;
}

const options = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  username: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  otp: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  department: { type: 'string' },
  status: { type: 'string' },
  priority: { type: 'string' },
  limit: { type: 'string' },
  title: { type: 'string' },
  type: { type: 'string' },
  specialization: { type: 'string' },
  capabilities: { type: 'string' },
  payload: { type: 'string' },
  timeout: { type: 'string' },
  'max-attempts': { type: 'string' },
  'depends-on': { type: 'string' },
  'dependency-policy': { type: 'string' },
  format: { type: 'string' },
  concurrency: { type: 'string' },
  secrets: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
  range: { type: 'string' },
  output: { type: 'string', short: 'o' },
  cron: { type: 'string' },
  timezone: { type: 'string' },
  overlap: { type: 'string' },
  'catch-up': { type: 'string' },
  'run-at': { type: 'string' },
  'delay-ms': { type: 'string' },
  paused: { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

type Opts = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };
type Io = { out: (s: string) => void; err: (s: string) => void; stderr: NodeJS.WriteStream };

export async function main(
  argv: string[],
  io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), stderr: process.stderr },
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const opts = parsed.values as Opts;
  const [cmd, sub, ...rest] = parsed.positionals;
  // Asked-for help is output (stdout, exit 0); help shown because nothing was asked is a usage error.
  if (opts.help || cmd === 'help') {
    io.out(helpFor(cmd === 'help' ? sub : cmd));
    return EXIT.ok;
  }
  if (!cmd) {
    io.err(USAGE);
    return EXIT.usage;
  }
  try {
    return await run(cmd, sub, rest, opts, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n(ecs --help for usage)`);
      return EXIT.usage;
    }
    if (err instanceof EcsApiError) {
      const p = err.problem;
      const lines = [`error: ${err.message}`, ...(p.errors ?? []).map((e) => `  ${e.path}: ${e.message}`)];
      if (opts.json) io.out(JSON.stringify({ error: p }));
      else io.err(lines.join('\n'));
      if (err.status === 401) io.err(`Log in again: ecs login --username <you>`);
      return err.status === 401 || err.status === 403 ? EXIT.auth : EXIT.failure;
    }
    const e = err as Error & { status?: number; cause?: { code?: string } };
    io.err(`error: ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`);
    return e.status === 401 || e.status === 403 ? EXIT.auth : EXIT.failure;
  }
}

async function run(cmd: string, sub: string | undefined, rest: string[], opts: Opts, io: Io): Promise<number> {
  const print = (data: unknown, human: () => string) => io.out(opts.json ? JSON.stringify(data, null, 2) : human());
  const saved = loadCredentials();
  const url = opts.url ?? process.env.ECS_URL ?? saved?.url ?? 'http://localhost:3000';

  if (cmd === 'login') {
    const username = opts.username ?? need(undefined, '--username');
    const password = opts.password ?? (opts['password-stdin'] ? await readStdin() : process.env.ECS_PASSWORD);
    if (!password) throw new UsageError('Give --password-stdin (preferred), --password or ECS_PASSWORD');
    const client = new EcsClient({ baseUrl: url });
    const pair = await client.login(username, password, opts.otp);
    saveCredentials({ url, accessToken: pair.accessToken, refreshToken: pair.refreshToken, username });
    print(
      { user: pair.user, credentials: credentialsFile() },
      () => `Logged in to ${url} as ${pair.user.username} (${pair.user.role}); token kept in ${credentialsFile()}`,
    );
    return EXIT.ok;
  }
  if (cmd === 'logout') {
    if (saved)
      await clientFor(url, opts, saved)
        .logout()
        .catch(() => {});
    removeCredentials();
    print({ ok: true }, () => 'Logged out');
    return EXIT.ok;
  }

  const client = clientFor(url, opts, saved);
  if (!client.token) {
    io.err('Not logged in: run `ecs login --username <you>` or pass --token / ECS_TOKEN');
    return EXIT.auth;
  }

  switch (`${cmd} ${sub ?? ''}`.trim()) {
    case 'whoami': {
      const me = await client.whoami();
      print(me, () => `${me.username} (${me.role})${me.departmentIds.length ? ` in ${me.departmentIds.join(', ')}` : ''}`);
      return EXIT.ok;
    }
    case 'departments list': {
      const page = await client.departments.list();
      print(page.items, () => table(page.items, ['id', 'name', 'status', 'maxAgents', 'loadBalancingStrategy']));
      return EXIT.ok;
    }
    case 'departments create': {
      const d = await client.departments.create({
        id: need(opts.id, '--id'),
        name: need(opts.name, '--name'),
        ...(opts.description ? { description: opts.description } : {}),
      });
      print(d, () => `Created department ${d.id}`);
      return EXIT.ok;
    }
    case 'departments archive':
    case 'departments unarchive': {
      const id = need(rest[0], 'the department id');
      const d = sub === 'archive' ? await client.departments.archive(id, { force: !!opts.force }) : await client.departments.unarchive(id);
      print(d, () => `${sub === 'archive' ? 'Archived' : 'Unarchived'} department ${id}`);
      return EXIT.ok;
    }
    case 'agents list': {
      const page = await client.agents.list({ departmentId: opts.department, status: opts.status as never, limit: num(opts.limit) });
      print(page, () => table(page.items, ['id', 'name', 'departmentId', 'specialization', 'status']));
      return EXIT.ok;
    }
    case 'agents create': {
      const res = await client.agents.create({
        departmentId: need(opts.department, '--department'),
        type: need(opts.type, '--type'),
        specialization: need(opts.specialization, '--specialization'),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.capabilities ? { capabilities: opts.capabilities.split(',').map((s) => s.trim()) } : {}),
      });
      print(
        res,
        () => `Created agent ${res.agent.id}\n  agent id: ${res.credentials.agentId}\n  secret:   ${res.credentials.secret}  (shown once)`,
      );
      return EXIT.ok;
    }
    case 'tasks list': {
      const page = await client.tasks.list({
        departmentId: opts.department,
        status: opts.status as never,
        priority: opts.priority as never,
        limit: num(opts.limit),
      });
      print(page, () => table(page.items, ['id', 'title', 'departmentId', 'priority', 'status', 'assignedAgentId']));
      return EXIT.ok;
    }
    case 'tasks create': {
      const task = await client.tasks.create({
        title: need(opts.title, '--title'),
        departmentId: need(opts.department, '--department'),
        type: need(opts.type, '--type'),
        ...(opts.priority ? { priority: opts.priority as never } : {}),
        ...(opts.payload ? { payload: jsonArg(opts.payload, '--payload') } : {}),
        ...(opts['run-at'] ? { runAt: opts['run-at'] } : {}),
        ...(opts['delay-ms'] !== undefined ? { delayMs: Number(opts['delay-ms']) } : {}),
        ...(opts.timeout ? { timeout: num(opts.timeout) } : {}),
        ...(opts['max-attempts'] ? { maxAttempts: num(opts['max-attempts']) } : {}),
        ...(opts['depends-on']
          ? {
              dependsOn: opts['depends-on']
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(opts['dependency-policy'] ? { dependencyPolicy: opts['dependency-policy'] as never } : {}),
      });
      print(task, () => `Created task ${task.id} (${task.status}${task.status === 'scheduled' ? `, starts ${task.availableAt}` : ''})`);
      return EXIT.ok;
    }
    case 'schedules list': {
      const page = await client.schedules.list({ departmentId: opts.department, limit: num(opts.limit) });
      const rows = page.items.map((x) => ({ ...x, state: x.enabled ? 'active' : 'paused', next: x.nextFireTimes[0] ?? '' }));
      print(page, () => table(rows, ['id', 'name', 'departmentId', 'cron', 'timezone', 'state', 'next']));
      return EXIT.ok;
    }
    case 'schedules create': {
      const made = await client.schedules.create({
        name: need(opts.name, '--name'),
        departmentId: need(opts.department, '--department'),
        cron: need(opts.cron, '--cron'),
        ...(opts.timezone ? { timezone: opts.timezone } : {}),
        ...(opts.overlap ? { overlap: opts.overlap as never } : {}),
        ...(opts['catch-up'] ? { catchUp: opts['catch-up'] as never } : {}),
        enabled: !opts.paused,
        task: {
          title: need(opts.title, '--title'),
          type: need(opts.type, '--type'),
          ...(opts.priority ? { priority: opts.priority as never } : {}),
          ...(opts.payload ? { payload: jsonArg(opts.payload, '--payload') } : {}),
        },
      });
      print(
        made,
        () =>
          `Created schedule ${made.id}${made.enabled ? `; next firings:\n${made.nextFireTimes.map((x) => `  ${x}`).join('\n')}` : ' (paused)'}`,
      );
      return EXIT.ok;
    }
    case 'schedules pause':
    case 'schedules resume': {
      const id = need(rest[0], 'schedule ID');
      const s = sub === 'pause' ? await client.schedules.pause(id) : await client.schedules.resume(id);
      print(s, () => `Schedule ${s.id} ${s.enabled ? `resumed; next firing ${s.nextFireTimes[0] ?? 'never'}` : 'paused'}`);
      return EXIT.ok;
    }
    case 'schedules trigger': {
      const fired = await client.schedules.trigger(need(rest[0], 'schedule ID'));
      print(fired, () => `Fired: created task ${fired.task.id} (${fired.task.status})`);
      return EXIT.ok;
    }
    case 'tasks get': {
      const task = await client.tasks.get(need(rest[0], 'ID'));
      print(task, () =>
        [
          `${task.title} (${task.id}): ${task.status}${task.reason ? `, ${task.reason}` : ''}; attempts ${task.attempts}/${task.maxAttempts}`,
          ...(task.error ? [`error: ${task.error}`] : []),
          table(
            task.attemptHistory.map((a) => ({
              ...a,
              agent: a.agentName ?? a.agentId ?? '',
              outcome: a.outcome ?? 'running',
              durationMs: a.durationMs ?? '',
              error: a.error ?? '',
            })),
            ['attempt', 'agent', 'startedAt', 'endedAt', 'durationMs', 'outcome', 'error'],
          ),
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'tasks watch':
      return watchTasks(client, opts, io);
    case 'import tasks':
    case 'import agents':
      return importFile(client, sub as ImportKind, rest[0], opts, io);
    case 'export audit':
      return exportAudit(client, opts, io);
    case 'export metrics':
      return exportMetrics(client, opts, io);
    default:
      throw new UsageError(`Unknown command: ${[cmd, sub].filter(Boolean).join(' ')}`);
  }
}

function clientFor(url: string, opts: Opts, saved: ReturnType<typeof loadCredentials>): EcsClient {
  const token = opts.token ?? process.env.ECS_TOKEN;
  if (token) return new EcsClient({ baseUrl: url, token });
  const fromFile = saved && saved.url === url ? saved : undefined;
  return new EcsClient({
    baseUrl: url,
    token: fromFile?.accessToken,
    refreshToken: fromFile?.refreshToken,
    // The refresh rotated the pair: the old refresh token is dead, so the new one must be kept.
    onTokens: (t) => saveCredentials({ url, accessToken: t.accessToken, refreshToken: t.refreshToken, username: fromFile?.username }),
  });
}

async function importFile(client: EcsClient, kind: ImportKind, file: string | undefined, opts: Opts, io: Io): Promise<number> {
  if (!file) throw new UsageError(`ecs import ${kind} FILE`);
  let rows: ReturnType<typeof readRows>;
  try {
    rows = readRows(file, opts.format);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const defaults = opts.department ? { departmentId: opts.department } : undefined;
  const result = await importRows(client, kind, rows, {
    concurrency: num(opts.concurrency),
    defaults,
    onProgress: progressReporter(io.stderr, `import ${kind}`),
  });
  if (kind === 'agents' && opts.secrets) {
    const creds = result.createdItems.map((r) => r as { credentials: { agentId: string; secret: string }; agent: { name: string } });
    writeFileSync(
      opts.secrets,
      toCsv(creds.map((c) => ({ agentId: c.credentials.agentId, name: c.agent.name, secret: c.credentials.secret }))),
      { mode: 0o600 },
    );
  }
  const summary = { total: result.total, created: result.created, rejected: result.rejected };
  if (opts.json) io.out(JSON.stringify(kind === 'agents' && !opts.secrets ? { ...summary, items: result.createdItems } : summary, null, 2));
  else {
    io.out(`${result.created} of ${result.total} ${kind} created, ${result.rejected.length} rejected`);
    for (const r of result.rejected) io.out(`  line ${r.line}: ${r.reasons.join('; ')}`);
  }
  return result.rejected.length ? EXIT.failure : EXIT.ok;
}

async function watchTasks(client: EcsClient, opts: Opts, io: Io): Promise<number> {
  const socket = await watchLive(client.baseUrl, client.token!, ['task:update'], (e) => {
    const d = e.data as { id: string; status: string; departmentId?: string; assignedAgentId?: string | null; progress?: number };
    if (opts.department && d.departmentId && d.departmentId !== opts.department) return;
    if (opts.json) io.out(JSON.stringify({ at: new Date().toISOString(), type: e.type, ...d }));
    else
      io.out(
        `${new Date().toISOString()}  ${d.id}  ${d.status}${d.assignedAgentId ? `  agent ${d.assignedAgentId}` : ''}${d.progress != null ? `  ${Math.round(d.progress * 100)}%` : ''}`,
      );
  });
  io.err('watching task events (Ctrl-C to stop)…');
  return new Promise((resolve) => {
    const stop = () => {
      socket.close();
      resolve(EXIT.ok);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') {
        io.err('the server closed the stream');
        resolve(EXIT.failure);
      }
    });
  });
}

async function exportAudit(client: EcsClient, opts: Opts, io: Io): Promise<number> {
  const q = { from: opts.from, to: opts.to, actor: opts.actor, action: opts.action };
  const csv = await notThereYet(() => client.audit.exportCsv(q), 'audit export (GET /api/v1/audit/export)');
  return write(csv, opts, io);
}

async function exportMetrics(client: EcsClient, opts: Opts, io: Io): Promise<number> {
  const data = await notThereYet(
    () => client.metrics.history({ name: need(opts.name, '--name'), range: opts.range, departmentId: opts.department }),
    'metrics history (GET /api/v1/metrics/history)',
  );
  return write(toCsv(metricRows(data)), opts, io);
}

/** Flattens {series: {name: [{t, v}]}} or [{name, points}] shapes into one CSV row per point. */
export function metricRows(data: unknown): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const series = (data as { series?: unknown })?.series ?? data;
  const add = (name: string, points: unknown) => {
    if (Array.isArray(points)) for (const p of points) rows.push({ series: name, ...(typeof p === 'object' && p ? p : { value: p }) });
  };
  if (Array.isArray(series)) for (const s of series as { name?: string; points?: unknown }[]) add(String(s.name ?? ''), s.points);
  else if (series && typeof series === 'object') for (const [k, v] of Object.entries(series)) add(k, v);
  return rows;
}

function write(text: string, opts: Opts, io: Io): number {
  if (opts.output) {
    writeFileSync(opts.output, text);
    io.err(`wrote ${opts.output}`);
  } else io.out(text.trimEnd());
  return EXIT.ok;
}

/** Routes that land from other branches: a 404 on the route itself is a server too old for this command. */
async function notThereYet<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EcsApiError && err.status === 404 && err.problem.unstructured) {
      throw new Error(`This server has no ${what}: upgrade it, or use a build that includes that feature`);
    }
    throw err;
  }
}

function need(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`Missing ${flag}`);
  return v;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`Expected a positive whole number, got "${v}"`);
  return n;
}

function jsonArg(v: string, flag: string): never {
  try {
    return JSON.parse(v) as never;
  } catch {
    throw new UsageError(`${flag} must be JSON`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
