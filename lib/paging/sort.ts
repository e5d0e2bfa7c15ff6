import { z } from 'zod';
import { badRequest } from '../errors';
import { seekValueFits, type Seek, type SortCast, type SortDir } from '@/db/table-page';

export type { Seek, SortDir } from '@/db/table-page';

/** Page sizes the console offers; REST takes any limit up to 500. */
export const PAGE_SIZES = [25, 50, 100] as const;
/** Counting stops here: past it a list says "more than 10,000" instead of scanning everything. */
export const COUNT_CAP = 10_000;

/**
 * Query fields of a sortable list: `sort` is one of the columns that allow sorting, `order` its
 * direction (ascending unless said, or the list's own order when no sort is given).
 */
export function sortQuery<K extends string>(keys: readonly [K, ...K[]]) {
  return {
    sort: z
      .enum(keys)
      .optional()
      .describe(`Column to sort by: ${keys.join(', ')}`),
    order: z.enum(['asc', 'desc']).optional().describe('asc (the default with sort) or desc'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(4000).optional().describe('nextCursor or prevCursor of the page before, with the same sort and order'),
  };
}

export type SortSpec<K extends string> = { key: K; dir: SortDir };

/** The sort a query asks for, or the list's default. */
export function sortOf<K extends string>(q: { sort?: K; order?: SortDir }, fallback: SortSpec<K>): SortSpec<K> {
  if (!q.sort) return { key: fallback.key, dir: q.order ?? fallback.dir };
  return { key: q.sort, dir: q.order ?? 'asc' };
}

/** Opaque cursor: the sort it belongs to, the edge row's (value, id), and whether it leads back. */
export function encodeSeek(sort: SortSpec<string>, seek: Seek): string {
  return Buffer.from(JSON.stringify([sort.key, sort.dir, seek.value, seek.id, seek.back ? 1 : 0])).toString('base64url');
}

const cursorShape = z.tuple([z.string(), z.enum(['asc', 'desc']), z.string(), z.string().max(64), z.union([z.literal(0), z.literal(1)])]);

/** The seek of a cursor made for this sort; a 400 for a forged one or one from another sort. */
export function decodeSeek(cursor: string | undefined, sort: SortSpec<string>, cast: SortCast, idPattern: RegExp): Seek | undefined {
  if (!cursor) return undefined;
  const invalid = () =>
    badRequest('Invalid cursor', [{ path: 'cursor', message: 'Not a cursor this list returned for this sort and order' }]);
  let parsed: z.infer<typeof cursorShape>;
  try {
    parsed = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  const [key, dir, value, id, back] = parsed;
  if (key !== sort.key || dir !== sort.dir || !idPattern.test(id) || !seekValueFits(cast, value)) throw invalid();
  return { value, id, back: back === 1 };
}

export const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SERIAL_ID = /^\d{1,18}$/;

/** One page of a sorted list, as REST answers it and the console shows it. */
export type SortedPage<T, K extends string = string> = {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** Rows matching the filters, counted up to COUNT_CAP. */
  total: number;
  /** More rows match than `total` says: show "more than total". */
  totalCapped: boolean;
  sort: K;
  order: SortDir;
};

/** The page of a keyset query (db/table-page.ts) with its cursors encoded and its count capped. */
export function sortedPage<R, T, K extends string>(
  sort: SortSpec<K>,
  found: { items: R[]; next: Seek | null; prev: Seek | null; count: number },
  view: (row: R) => T,
): SortedPage<T, K> {
  return {
    items: found.items.map(view),
    nextCursor: found.next ? encodeSeek(sort, found.next) : null,
    prevCursor: found.prev ? encodeSeek(sort, found.prev) : null,
    total: Math.min(found.count, COUNT_CAP),
    totalCapped: found.count > COUNT_CAP,
    sort: sort.key,
    order: sort.dir,
  };
}
