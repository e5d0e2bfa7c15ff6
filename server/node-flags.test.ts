import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import flags from './node-flags.json';

// npm start reads server/node-flags.json; the image and `npm run serve` spell the flags out.
const root = path.join(import.meta.dirname, '..');
const read = (f: string) => readFileSync(path.join(root, f), 'utf8');

describe('production V8 flags', () => {
  it('are the same for npm start, npm run serve and the container image', () => {
    const serve = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.serve;
    const cmd = read('Dockerfile')
      .split('\n')
      .find((l) => l.startsWith('CMD '))!;
    const imageArgs = JSON.parse(cmd.slice(4)) as string[];
    expect(flags.length).toBeGreaterThan(0);
    for (const f of flags) {
      expect(serve.split(' ')).toContain(f);
      expect(imageArgs).toContain(f);
    }
    // No flag there that node-flags.json lacks: the two lists are the same set.
    expect(imageArgs.filter((a) => a.startsWith('--') && a !== '--import').sort()).toEqual([...flags].sort());
  });
});
