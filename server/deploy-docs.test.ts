import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '@/lib/env';

describe('docs/deploy.md', () => {
  it('has a row in its settings table for every setting lib/env.ts reads', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/deploy.md'), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((k) => !doc.includes(`| \`${k}\``));
    expect(missing).toEqual([]);
  });
});
