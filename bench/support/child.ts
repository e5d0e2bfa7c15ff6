import { spawn } from 'node:child_process';

export type ChildRun = { code: number | null; signal: string | null; timedOut: boolean; output: string; ms: number };

const groups = new Set<number>();
let interrupted = false;

/** Stops a child's whole process group (servers it started included): TERM, then KILL after 5 s. */
async function stopGroup(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

// Ctrl-C or a kill of the runner takes its children's groups with it: nothing is left running.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    void Promise.all([...groups].map(stopGroup)).finally(() => process.exit(130));
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes this removes
export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/** The last `n` distinct lines of some output (progress lines repeat), without terminal codes. */
export function lastLines(output: string, n: number): string[] {
  const lines = stripAnsi(output)
    .split(/\r|\n/)
    .map((l) => l.trimEnd())
    .filter(Boolean);
  return lines.filter((l, i) => l !== lines[i + 1]).slice(-n);
}

/**
 * Runs a command in a process group of its own, passing each output line (stdout and stderr, split
 * on \n and \r so progress lines come through) to onLine. After it exits, or at the timeout, whatever
 * is left in its group is stopped.
 */
export async function runChild(
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs: number; onLine?: (line: string, stream: 'stdout' | 'stderr') => void; cwd?: string },
): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  groups.add(pid);
  let output = '';
  const feed = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (b: Buffer) => {
      const s = b.toString();
      output += s;
      const parts = (partial + s).split(/\r|\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) opts.onLine?.(stripAnsi(p), stream);
    };
  };
  child.stdout!.on('data', feed('stdout'));
  child.stderr!.on('data', feed('stderr'));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(pid);
  }, opts.timeoutMs);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.once('error', () => resolve([null, 'spawn failed']));
    child.once('exit', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  // Anything still in its group is a leftover (a server whose stop hung) and may hold the output
  // pipes open: stop it, then take what output is left, without waiting on it for ever.
  await stopGroup(pid);
  await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
  groups.delete(pid);
  // Interrupted: the signal handler exits once every group is stopped; report nothing meanwhile.
  if (interrupted) await new Promise(() => {});
  return { code, signal, timedOut, output, ms: Date.now() - started };
}
