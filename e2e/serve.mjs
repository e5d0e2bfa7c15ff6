// Starts the built server for the Playwright suite on a fresh database: a new Postgres database
// when DATABASE_URL is set, otherwise a new PGlite directory. Known admin credentials, no demo fleet.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export const E2E_ADMIN = { username: 'admin', password: 'e2e-admin-password-1' };

const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  PORT: process.env.E2E_PORT ?? '3210',
  DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ecs-e2e-')),
  ECS_ADMIN_USERNAME: E2E_ADMIN.username,
  ECS_ADMIN_PASSWORD: E2E_ADMIN.password,
  DEMO: '0',
};

if (process.env.DATABASE_URL) {
  // One e2e database per base database, made fresh each run (so runs don't pile databases up);
  // .ci/run drops it with its own at the end.
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1).replace(/[^a-z0-9_]/gi, '_') || 'ecs'}_e2e`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
}

const root = path.resolve(import.meta.dirname, '..');
// The production server's V8 flags (server/node-flags.json), as npm start passes them: the suite runs what ships.
const nodeFlags = JSON.parse(readFileSync(path.join(root, 'server/node-flags.json'), 'utf8'));
const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, 'server/index.ts')], {
  stdio: 'inherit',
  env,
  cwd: root,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
