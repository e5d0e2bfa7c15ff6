import { describe, expect, it } from 'vitest';
import { replaceSection } from './report';

const doc = `# Benchmarks

## A

old a

<!-- bench:b -->
## B

b stays
<!-- /bench:b -->

## C

old c
`;

describe('replaceSection', () => {
  it('replaces a section up to the next marker comment, keeping the marker', () => {
    const out = replaceSection(doc, 'A', 'new a');
    expect(out).toContain('## A\n\nnew a\n\n<!-- bench:b -->\n## B');
    expect(out).not.toContain('old a');
  });

  it('replaces the last section and appends a new one', () => {
    expect(replaceSection(doc, 'C', 'new c')).toMatch(/## C\n\nnew c\n$/);
    const out = replaceSection(doc, 'D', 'd');
    expect(out.endsWith('old c\n\n## D\n\nd\n')).toBe(true);
  });
});
