import type { TableView } from '@/components/table-view';
import { AppError } from '@/lib/errors';
import { PAGE_SIZES, type SortDir, type SortedPage } from '@/lib/paging/sort';

const TABLE_PARAMS = new Set(['sort', 'order', 'limit', 'cursor']);
const DEFAULT_SIZE = 50;

/**
 * The sort and paging a console URL asks for. A column the list can't sort by, an unknown order
 * or page size is ignored: the list shows in its own order rather than as an error.
 */
export function tableParams<K extends string>(sp: Record<string, string | undefined>, keys: readonly K[]) {
  const sort = keys.find((k) => k === sp.sort);
  const order: SortDir | undefined = sp.order === 'asc' || sp.order === 'desc' ? sp.order : undefined;
  const size = Number(sp.limit);
  const limit = (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_SIZE;
  const cursor = sp.cursor && sp.cursor.length <= 4000 ? sp.cursor : undefined;
  return { sort, order, limit, cursor };
}

/** The URL's other params (filters, tabs): what every sort and page link carries along. */
export function filterParams(sp: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(sp).filter(([k]) => !TABLE_PARAMS.has(k)));
}

/** Loads a page; a cursor the list refuses (edited, or made for another sort) shows the first page instead of an error. */
export async function withCursorOrFirst<Q extends { cursor?: string }, R>(q: Q, load: (q: Q) => Promise<R>): Promise<R> {
  try {
    return await load(q);
  } catch (err) {
    if (q.cursor && err instanceof AppError && err.status === 400) return load({ ...q, cursor: undefined });
    throw err;
  }
}

/** What the table component needs to draw sortable headers, the pager and the count. */
export function tableView(
  path: string,
  sp: Record<string, string | undefined>,
  page: SortedPage<unknown>,
  q: { limit: number; cursor?: string },
  noun: string,
): TableView {
  return {
    path,
    params: filterParams(sp),
    sort: page.sort,
    order: page.order,
    limit: q.limit,
    cursor: q.cursor,
    sizes: PAGE_SIZES,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    total: page.total,
    totalCapped: page.totalCapped,
    noun,
  };
}
