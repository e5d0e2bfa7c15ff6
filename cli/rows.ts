import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';

export type Row = { line: number; data: Record<string, unknown> };

/** Reads CSV, JSON (an array, or {items: [...]}) or YAML rows; `line` is what a person finds in the file. */
export function readRows(file: string, format?: string): Row[] {
  const text = readFileSync(file, 'utf8');
  const kind = (format ?? path.extname(file).slice(1)).toLowerCase();
  if (kind === 'csv') return csvRows(text);
  if (kind === 'json' || kind === 'yaml' || kind === 'yml') {
    const doc = kind === 'json' ? JSON.parse(text) : parseYaml(text);
    const list = Array.isArray(doc) ? doc : Array.isArray(doc?.items) ? doc.items : undefined;
    if (!list) throw new Error(`${file}: expected a list of rows (or {items: [...]})`);
    return list.map((data: Record<string, unknown>, i: number) => ({ line: i + 1, data }));
  }
  throw new Error(`${file}: unknown format "${kind}" (use .csv, .json, .yaml or --format)`);
}

/**
 * RFC 4180 CSV (csv-parse): quoted fields may hold commas, doubled quotes and newlines; any line
 * ending; blank lines skipped. `line` is where the row starts, for messages about rejected rows.
 */
export function parseCsv(text: string): { cells: string[]; line: number }[] {
  const records = parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  // info.lines is the line a record ends on; line breaks inside its quoted cells put its start earlier.
  return records.map(({ record, info }) => ({ cells: record, line: info.lines - (record.join('').match(/\r\n|\r|\n/g)?.length ?? 0) }));
}

const LIST_FIELDS = new Set(['dependsOn', 'specializations', 'resourceTypes', 'collaboratesWith']);

function csvRows(text: string): Row[] {
  const [header, ...rest] = parseCsv(text);
  if (!header) return [];
  const names = header.cells.map((h) => h.trim());
  return rest.map(({ cells, line }) => {
    const data: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const raw = (cells[i] ?? '').trim();
      if (raw === '' || !name) return;
      setPath(data, name, cellValue(name, raw));
    });
    return { line, data };
  });
}

/** CSV is all text: numbers, booleans, JSON cells and `a;b` lists become what the schema expects. */
function cellValue(name: string, raw: string): unknown {
  const leaf = name.split('.').pop()!;
  if ((raw.startsWith('{') && raw.endsWith('}')) || (raw.startsWith('[') && raw.endsWith(']'))) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (LIST_FIELDS.has(leaf) || (leaf === 'capabilities' && raw.includes(';')))
    return raw
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  if (leaf === 'capabilities') return [raw];
  if (/^-?\d+(\.\d+)?$/.test(raw) && name.includes('.') === false && NUMERIC.has(leaf)) return Number(raw);
  if (name.startsWith('resources.') || name.startsWith('requirements.resources.')) return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return raw;
}

const NUMERIC = new Set(['estimatedDuration', 'timeout', 'maxAttempts', 'maxConcurrentTasks', 'weight', 'maxAgents']);

/** `requirements.specialization` → { requirements: { specialization } } */
function setPath(obj: Record<string, unknown>, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  cur[keys[keys.length - 1]] = value;
}
