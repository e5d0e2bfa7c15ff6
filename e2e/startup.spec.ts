import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');
const nodeFlags: string[] = JSON.parse(readFileSync(path.join(root, 'server/node-flags.json'), 'utf8'));

/** Starts the production server as npm start does, and waits for it to exit on its own. */
function startServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, 'server/index.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DEMO: '0',
      DATABASE_URL: '',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ecs-startup-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    }),
  );
}

test.describe('a server that cannot serve exits non-zero, so its supervisor can act', () => {
  test.setTimeout(120_000);

  test('its port is taken by another process', async ({ baseURL }) => {
    const port = new URL(baseURL!).port;
    const { code, output } = await startServer({ PORT: port });
    expect(code).toBe(1);
    expect(output).toContain('EADDRINUSE');
  });

  test('its database cannot be reached', async () => {
    // A port nothing listens on: the kernel refuses at once.
    const { code, output } = await startServer({ PORT: '0', DATABASE_URL: 'postgres://root@127.0.0.1:1/none' });
    expect(code).toBe(1);
    expect(output).toContain('failed to start');
  });
});
