/**
 * Where a sortable, paged console list stands: its path and filters (kept in every link), the sort,
 * the page size, and the page's neighbours and count. Plain data, so it crosses into live tables.
 */
export type TableView = {
  path: string;
  /** The URL's other search params (filters, tabs), carried by every sort and page link. */
  params: Record<string, string | undefined>;
  sort: string;
  order: 'asc' | 'desc';
  limit: number;
  /** The cursor this page was reached with, if any. */
  cursor?: string;
  sizes: readonly number[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalCapped: boolean;
  /** What the rows are, for the count: "tasks". */
  noun: string;
  /** A second list on one page names its params apart: prefix "changes" reads changesSort, changesCursor… */
  prefix?: string;
};

/** The search param a list's sort, order, limit or cursor travels in. */
export function tableParamName(name: string, prefix?: string): string {
  return prefix ? `${prefix}${name[0].toUpperCase()}${name.slice(1)}` : name;
}

/** A link to the same list with some params changed; undefined drops a param. */
export function viewHref(view: TableView, change: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  const own = { sort: view.sort, order: view.order, limit: String(view.limit), cursor: undefined, ...change };
  const named = Object.fromEntries(Object.entries(own).map(([k, v]) => [tableParamName(k, view.prefix), v]));
  for (const [k, v] of Object.entries({ ...view.params, ...named })) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `${view.path}?${s}` : view.path;
}
