import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '../../docs/benchmarks.md');

/**
 * The document with the section headed `## title` replaced (or appended). A section ends where the
 * next one starts: its heading, or a marker comment (`<!-- bench:x -->`) another bench put before its heading.
 */
export function replaceSection(doc: string, title: string, body: string): string {
  const heading = `## ${title}`;
  const start = doc.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start === -1) return `${doc.trimEnd()}\n\n${section}`;
  const m = /\n(## |<!-- )/.exec(doc.slice(start + heading.length));
  if (!m) return doc.slice(0, start) + section;
  return `${doc.slice(0, start)}${section}\n${doc.slice(start + heading.length + m.index + 1)}`;
}

/** The line that points from a bench's section to its lab notes (bench/notes/<name>.md), which stay out of the docs. */
export function benchNotes(name: string, what: string): string {
  return `\nLab notes from these runs (${what}): [bench/notes/${name}.md](../bench/notes/${name}.md).\n`;
}

/** Replaces (or appends) the section headed `## title` in docs/benchmarks.md. */
export function writeSection(title: string, body: string): void {
  const doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nRun by hand on the machine named in each section; CI does not run them.\n';
  const next = replaceSection(doc, title, body);
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
