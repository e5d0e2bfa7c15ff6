import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type ServerProc = {
  url: string;
  proc: ChildProcess;
  lines: string[];
  alive: () => boolean;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
};

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Runs test/serve-harness.ts as a real process (API + Socket.IO + loops) and resolves
 * with its URL once it prints "listening". Every stdout line (the JSON log) is kept in `lines`
 * so a test can check what the process logged.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/serve-harness.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
      DEMO: '0',
      HEARTBEAT_INTERVAL: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      lines.push(l);
      if (l.startsWith('listening ')) resolve(l.slice('listening '.length));
    });
    proc.once('exit', (code, sig) => reject(new Error(`server exited ${code ?? sig}`)));
  });
  return {
    url,
    proc,
    lines,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    stop: async (signal = 'SIGKILL') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await exited;
    },
  };
}
