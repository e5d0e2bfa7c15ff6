import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './pool';

describe('worker threads under the production server flags', () => {
  it('keep the loaders and drop the V8 heap flags a worker refuses', () => {
    const prod = ['--max-semi-space-size=32', '--no-allocation-site-pretenuring', '--import', 'tsx', '--expose-gc'];
    expect(workerExecArgv(prod)).toEqual(['--import', 'tsx']);
    expect(workerExecArgv(['--require', '/x/probe.js'])).toEqual(['--require', '/x/probe.js', '--import', 'tsx']);
    expect(workerExecArgv(['--import=tsx', '--enable-source-maps'])).toEqual(['--import=tsx', '--enable-source-maps']);
  });

  it('start a thread with what is kept, where the full list makes Node refuse it', async () => {
    const flags = JSON.parse((await import('node:fs')).readFileSync(new URL('../node-flags.json', import.meta.url), 'utf8')) as string[];
    expect(() => new Worker('1', { eval: true, execArgv: flags })).toThrow(/invalid execArgv/);
    const ok = new Worker('require("node:worker_threads").parentPort.postMessage("up")', {
      eval: true,
      execArgv: workerExecArgv(flags).filter((a) => a !== '--import' && a !== 'tsx'),
    });
    await expect(new Promise((r) => ok.once('message', r))).resolves.toBe('up');
    await ok.terminate();
  });
});
