import { tableParamName, type TableView } from '@/components/table-view';
import { AppError } from '@/lib/errors';
import { PAGE_SIZES, type SortDir, type SortedPage } from '@/lib/paging/sort';

const TABLE_PARAMS = ['sort', 'order', 'limit', 'cursor'] as const;
const DEFAULT_SIZE = 50;

/**
 * The sort and paging a console URL asks for. A column the list can't sort by, an unknown order
 * or page size is ignored: the list shows in its own order rather than as an error.
 */
export function tableParams<K extends string>(sp: Record<string, string | undefined>, keys: readonly K[], prefix?: string) {
  const own = (name: (typeof TABLE_PARAMS)[number]) => sp[tableParamName(name, prefix)];
  const sort = keys.find((k) => k === own('sort'));
  const asked = own('order');
  const order: SortDir | undefined = asked === 'asc' || asked === 'desc' ? asked : undefined;
  const size = Number(own('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_SIZE;
  const given = own('cursor');
  const cursor = given && given.length <= 4000 ? given : undefined;
  return { sort, order, limit, cursor };
}

/**
 * The URL's other params (filters, tabs, another list's place on the same page): what every sort
 * and page link of this list carries along.
 */
export function filterParams(sp: Record<string, string | undefined>, prefix?: string): Record<string, string | undefined> {
  const own = new Set<string>(TABLE_PARAMS.map((n) => tableParamName(n, prefix)));
  return Object.fromEntries(Object.entries(sp).filter(([k]) => !own.has(k)));
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
  prefix?: string,
): TableView {
  return {
    path,
    params: filterParams(sp, prefix),
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
    prefix,
  };
}
