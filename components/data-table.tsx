import Link from 'next/link';
import type { Key, ReactNode } from 'react';

// One table markup for every console list, so headers, scopes and number alignment can't drift
// between pages. No 'use client': server pages pass cell functions without crossing into the client.

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
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => Key;
  testId?: string;
  /** data-* attributes for a row, for tests and scripts that pick rows out. */
  rowData?: (row: T) => DataAttributes;
}) {
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={c.headerClassName}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey(row, r)} {...rowData?.(row)}>
            {columns.map((c, i) => (
              <td key={i} className={c.numeric ? (c.className ? `${c.className} tabular-nums` : 'tabular-nums') : c.className} title={c.title?.(row)}>
                {c.href ? (
                  <Link className={`${c.strong ? 'font-medium ' : ''}text-indigo-600 hover:underline dark:text-indigo-400`} href={c.href(row)}>
                    {c.cell(row)}
                  </Link>
                ) : (
                  c.cell(row)
                )}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

