import Link from 'next/link';
import type { Key, ReactNode } from 'react';
import { LiveTable } from './live-table';

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
};

type DataAttributes = { [name: `data-${string}`]: string | undefined };

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  testId,
  rowData,
  live,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => Key;
  testId?: string;
  /** data-* attributes for a row, for tests and scripts that pick rows out. */
  rowData?: (row: T) => DataAttributes;
  /** The page refreshes itself (LiveRefresh): keep rows steady while the reader is in the table. */
  live?: boolean;
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
  if (live) {
    // Cells render here (on the server for server pages) and cross to the client as finished nodes.
    return (
      <LiveTable
        testId={testId}
        head={columns.map((c) => ({ node: c.header, className: c.headerClassName }))}
        rows={rows.map((row, r) => ({
          key: String(rowKey(row, r)),
          data: rowData?.(row),
          cells: columns.map((c) => ({ node: content(c, row), className: cellClass(c), title: c.title?.(row) })),
        }))}
      />
    );
  }
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list; the position is their identity
            <th key={i} scope="col" className={c.headerClassName}>
              {c.header}
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
  );
}
