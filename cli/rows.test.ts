import { describe, expect, it } from 'vitest';
import { parseCsv } from './rows';

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes and line breaks, any line ending, and skips blank lines', () => {
    const text = '\uFEFFtitle,payload\r\n"a, b","{""n"":1}"\n\n"two\nlines",x\r"q ""z""",5';
    expect(parseCsv(text)).toEqual([
      { cells: ['title', 'payload'], line: 1 },
      { cells: ['a, b', '{"n":1}'], line: 2 },
      { cells: ['two\nlines', 'x'], line: 4 },
      { cells: ['q "z"', '5'], line: 6 },
    ]);
  });

  it('numbers each row by the line it starts on, as a person finds it in the file', () => {
    const rows = parseCsv('h\n"1\n2\n3"\nnext\n');
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5]);
  });
});
