import Link from 'next/link';
import type { Key, ReactNode } from 'react';
import { LiveTable } from './live-table';
import { TablePager } from './table-pager';
import { viewHref, type TableView } from './table-view';

// One table markup for every console list, so headers, scopes and number alignment can't drift
// between pages. No 'use client': server pages pass cell functions without crossing into the client.
// Row links never prefetch: a live list re-renders every second, and each render re-prefetched
// every visible link.

export type Column<T> = {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Digits line up: adds tabular-nums after className. */
  numeric?: boolean;
  className?: string;
  headerClassName?: string;
  title?: (row: T) => string | undefined;
  /** The cell links to the row's page, in the console's link style; `strong` for a list's naming column. */
  href?: (row: T) => string;
  strong?: boolean;
  /** The list can be sorted by this column: the name its `sort` search param takes. */
  sortKey?: string;
};

type DataAttributes = { [name: `data-${string}`]: string | undefined };

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  testId,
  rowData,
  live,
  view,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => Key;
  testId?: string;
  /** data-* attributes for a row, for tests and scripts that pick rows out. */
  rowData?: (row: T) => DataAttributes;
  /** The page refreshes itself (LiveRefresh): keep rows steady while the reader is in the table. */
  live?: boolean;
  /** A sorted, paged list: sortable headers link to the other order, and the pager and count follow the table. */
  view?: TableView;
}) {
  const cellClass = (c: Column<T>) => (c.numeric ? (c.className ? `${c.className} tabular-nums` : 'tabular-nums') : c.className);
  const content = (c: Column<T>, row: T) =>
    c.href ? (
      <Link
        prefetch={false}
        className={`${c.strong ? 'font-medium ' : ''}text-indigo-600 hover:underline dark:text-indigo-400`}
        href={c.href(row)}
      >
        {c.cell(row)}
      </Link>
    ) : (
      c.cell(row)
    );
  const head = columns.map((c) => sortableHeader(c, view));
  const pager = view && <TablePager view={view} shown={rows.length} />;
  if (live) {
    // Cells render here (on the server for server pages) and cross to the client as finished nodes.
    return (
      <>
        <LiveTable
          // Another sort, page or filter is another list: rows held for the reader belong to the old one.
          key={view ? viewHref(view, { cursor: view.cursor }) : undefined}
          testId={testId}
          head={head}
          rows={rows.map((row, r) => ({
            key: String(rowKey(row, r)),
            data: rowData?.(row),
            cells: columns.map((c) => ({ node: content(c, row), className: cellClass(c), title: c.title?.(row) })),
          }))}
        />
        {pager}
      </>
    );
  }
  return (
    <>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {head.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list; the position is their identity
              <th key={i} scope="col" className={h.className} aria-sort={h.ariaSort}>
                {h.node}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={rowKey(row, r)} data-row-key={String(rowKey(row, r))} {...rowData?.(row)}>
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list; the position is their identity
                <td key={i} className={cellClass(c)} title={c.title?.(row)}>
                  {content(c, row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {pager}
    </>
  );
}

export type HeaderCell = { node: ReactNode; className?: string; ariaSort?: 'ascending' | 'descending' };

/**
 * A sortable column's header is a link to the list sorted by it (ascending first, then the other
 * way), and the sorted one says so with aria-sort; a new sort starts again at the first page.
 */
function sortableHeader<T>(c: Column<T>, view: TableView | undefined): HeaderCell {
  if (!view || !c.sortKey) return { node: c.header, className: c.headerClassName };
  const active = view.sort === c.sortKey;
  const next = active && view.order === 'asc' ? 'desc' : 'asc';
  return {
    className: c.headerClassName,
    ariaSort: active ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined,
    node: (
      <Link
        prefetch={false}
        href={viewHref(view, { sort: c.sortKey, order: next })}
        className="inline-flex items-center gap-1 hover:text-indigo-600 hover:underline dark:hover:text-indigo-400"
        data-sort-key={c.sortKey}
      >
        {c.header}
        <span aria-hidden="true" className={active ? '' : 'text-slate-500 dark:text-slate-400'}>
          {active ? (view.order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    ),
  };
}
