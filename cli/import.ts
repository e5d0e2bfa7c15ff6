import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { createAgentSchema } from '@/lib/agents/schemas';
import { createTaskBodySchema } from '@/lib/tasks/schemas';
import { zodProblems } from '@/lib/problems/problem';
import type { EcsClient } from '@/lib/client/client';
import { EcsApiError } from '@/lib/client/http';
import type { Row } from './rows';

export type ImportKind = 'tasks' | 'agents';
export type Rejected = { line: number; reasons: string[] };
export type ImportResult = { total: number; created: number; replayed: number; rejected: Rejected[]; createdItems: unknown[] };
export type Progress = { done: number; total: number; created: number; rejected: number };

const schemas: Record<ImportKind, z.ZodType> = { tasks: createTaskBodySchema, agents: createAgentSchema };

/**
 * Creates one item per row. Rows are checked first with the very schema the server validates
 * with (so the reasons read the same), then sent with an Idempotency-Key derived from the row's
 * content: running the same file again replays instead of creating duplicates.
 */
export async function importRows(
  client: EcsClient,
  kind: ImportKind,
  rows: Row[],
  opts: { concurrency?: number; defaults?: Record<string, unknown>; onProgress?: (p: Progress) => void } = {},
): Promise<ImportResult> {
  const result: ImportResult = { total: rows.length, created: 0, replayed: 0, rejected: [], createdItems: [] };
  const keys = idempotencyKeys(kind, rows);
  let next = 0;
  let done = 0;
  const report = () =>
    opts.onProgress?.({ done, total: rows.length, created: result.created + result.replayed, rejected: result.rejected.length });
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i];
      const data = { ...opts.defaults, ...row.data };
      const local = schemas[kind].safeParse(data);
      if (!local.success) result.rejected.push({ line: row.line, reasons: zodProblems(local.error).map((p) => `${p.path}: ${p.message}`) });
      else {
        try {
          const res = await client.request<unknown>('POST', `/api/v1/${kind}`, { body: data, idempotencyKey: keys[i], headers: {} });
          result.created++;
          result.createdItems[i] = res;
        } catch (err) {
          if (!(err instanceof EcsApiError)) throw err;
          // Credentials are wrong for every row alike: stop rather than reject the whole file row by row.
          if (err.status === 401) throw err;
          result.rejected.push({ line: row.line, reasons: reasonsOf(err) });
        }
      }
      done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, 32)) }, worker));
  result.rejected.sort((a, b) => a.line - b.line);
  result.createdItems = result.createdItems.filter(Boolean);
  return result;
}

function reasonsOf(err: EcsApiError): string[] {
  const p = err.problem;
  if (p.errors?.length) return p.errors.map((e) => `${e.path}: ${e.message}`);
  return [`${err.status} ${p.title}${p.detail ? `: ${p.detail}` : ''}`];
}

/** sha256 of the row's content plus how many identical rows came before: stable across re-runs and re-ordering. */
function idempotencyKeys(kind: ImportKind, rows: Row[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const h = createHash('sha256').update(canonical(r.data)).digest('hex').slice(0, 40);
    const n = seen.get(h) ?? 0;
    seen.set(h, n + 1);
    return `ecs-import-${kind}-${h}-${n}`;
  });
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
