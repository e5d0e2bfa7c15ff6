import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '../../docs/benchmarks.md');

/** Replaces (or appends) the section headed `## title` in docs/benchmarks.md. */
export function writeSection(title: string, body: string): void {
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nRun by hand on the machine named in each section; CI does not run them.\n';
  const heading = `## ${title}`;
  const start = doc.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start === -1) doc = `${doc.trimEnd()}\n\n${section}`;
  else {
    // The section ends at the next heading or at a closing/opening <!-- marker --> line, which stays.
    const ends = [doc.indexOf('\n## ', start + heading.length), doc.indexOf('\n<!-- ', start + heading.length)].filter((i) => i !== -1);
    const next = ends.length ? Math.min(...ends) : -1;
    doc = doc.slice(0, start) + section + (next === -1 ? '' : '\n' + doc.slice(next + 1));
  }
  writeFileSync(file, doc.endsWith('\n') ? doc : doc + '\n');
}
