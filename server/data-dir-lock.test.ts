import { mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock';

describe('one server per embedded database directory', () => {
  it('refuses a second live process and takes over a stale lock', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecs-lock-'));
    // A live process holds it (a sleeping child stands in for another server).
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await new Promise((r) => other.once('spawn', r));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'server.pid'), String(other.pid));
    expect(() => lockDataDir(dir)).toThrow(/Another server \(pid \d+\) is using/);
    other.kill();
    await new Promise((r) => other.once('exit', r));
    const unlock = lockDataDir(dir);
    unlock();
  });
});
