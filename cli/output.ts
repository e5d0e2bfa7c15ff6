/** Plain-text table for terminals; --json prints the data itself instead. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** RFC 4180: quote when a value holds a comma, quote or newline; a leading = + - @ is neutralised against formula injection. */
export function toCsv(rows: Record<string, unknown>[], columns = Object.keys(rows[0] ?? {})): string {
  const esc = (v: unknown) => {
    let s = text(v);
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => esc(r[c])).join(','))].join('\n')}\n`;
}

/** A one-line progress bar on a terminal; on a pipe, a line every 10 % so logs still show progress. */
export function progressReporter(stream: NodeJS.WriteStream, label: string) {
  let lastDecile = -1;
  return ({ done, total, created, rejected }: { done: number; total: number; created: number; rejected: number }) => {
    const frac = total ? done / total : 1;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(frac * width);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  created ${created}  rejected ${rejected}${done === total ? '\n' : ''}`,
      );
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      stream.write(`${label} ${Math.round(frac * 100)}% (${done}/${total}) created ${created} rejected ${rejected}\n`);
    }
  };
}
