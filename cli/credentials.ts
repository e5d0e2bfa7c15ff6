import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Credentials = { url: string; accessToken: string; refreshToken?: string; username?: string; savedAt: string };

/** ~/.config/ecs (or $XDG_CONFIG_HOME/ecs; ECS_CONFIG_DIR overrides, for tests and several profiles). */
export function configDir(): string {
  return process.env.ECS_CONFIG_DIR ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'ecs');
}

export const credentialsFile = () => path.join(configDir(), 'credentials.json');

export function loadCredentials(): Credentials | undefined {
  try {
    return JSON.parse(readFileSync(credentialsFile(), 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}

/** Owner-only (0600 in a 0700 directory): the file holds a refresh token, which is a session. */
export function saveCredentials(c: Omit<Credentials, 'savedAt'>): void {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const file = credentialsFile();
  writeFileSync(file, `${JSON.stringify({ ...c, savedAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
}

export function removeCredentials(): void {
  rmSync(credentialsFile(), { force: true });
}
