import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldProblems } from './field-messages';

const form = z.object({
  title: z.string().trim().min(1).max(10),
  type: z.string(),
  code: z.string().min(3),
  priority: z.enum(['low', 'high']),
  slug: z.string().regex(/^[a-z]+$/, 'A department id'),
  count: z.number().int().max(5),
  tags: z.array(z.string()).min(1),
});
const problems = (v: unknown) => Object.fromEntries(fieldProblems(form.safeParse(v).error!).map((p) => [p.path, p.message]));

describe('form field messages', () => {
  it('says Required for a missing or empty field instead of the validator text', () => {
    const p = problems({ title: '  ', code: 'abc', priority: 'low', slug: 'a', count: 1, tags: ['x'] });
    expect(p.title).toBe('Required');
    expect(p.type).toBe('Required');
    expect(Object.values(p).join(' ')).not.toMatch(/Invalid input|expected string/);
  });

  it('names the limit a value breaks', () => {
    const p = problems({ title: 'x'.repeat(11), type: 't', code: 'ab', priority: 'mid', slug: 'a', count: 9, tags: [] });
    expect(p).toMatchObject({
      title: 'Use at most 10 characters',
      code: 'Use at least 3 characters',
      priority: 'Choose one of: low, high',
      count: 'Must be at most 5',
      tags: 'Choose at least one',
    });
  });

  it("keeps a message the schema's author wrote", () => {
    expect(problems({ title: 't', type: 't', code: 'abc', priority: 'low', slug: 'A!', count: 1, tags: ['x'] }).slug).toBe(
      'A department id',
    );
  });

  it('gives one message per field', () => {
    const r = z.object({ a: z.string().min(5).regex(/^b/) }).safeParse({ a: 'x' });
    expect(fieldProblems(r.error!)).toEqual([{ path: 'a', message: 'Use at least 5 characters' }]);
  });
});
