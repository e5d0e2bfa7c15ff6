import Link from 'next/link';
import { viewHref, type TableView } from './table-view';

const count = (n: number) => n.toLocaleString('en-US');

/** Under a sorted list: how many rows match, previous and next pages, and the page size. */
export function TablePager({ view, shown }: { view: TableView; shown: number }) {
  const total = view.totalCapped ? `more than ${count(view.total)}` : count(view.total);
  return (
    <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
      <p className="text-slate-600 dark:text-slate-400" data-testid="table-total" data-total={view.total} data-capped={view.totalCapped}>
        {shown} shown of {total} {view.noun}
      </p>
      <nav aria-label={view.prefix ? `Pages of ${view.noun}` : 'Pages'} className="flex gap-2">
        {view.prevCursor && (
          <Link prefetch={false} className="btn-secondary" rel="prev" href={viewHref(view, { cursor: view.prevCursor })}>
            Previous page
          </Link>
        )}
        {view.nextCursor && (
          <Link prefetch={false} className="btn-secondary" rel="next" href={viewHref(view, { cursor: view.nextCursor })}>
            Next page
          </Link>
        )}
      </nav>
      <nav aria-label={view.prefix ? `Rows per page of ${view.noun}` : 'Rows per page'} className="ml-auto flex items-center gap-1">
        <span className="text-slate-600 dark:text-slate-400">Rows per page</span>
        {view.sizes.map((n) => (
          <Link
            key={n}
            prefetch={false}
            href={viewHref(view, { limit: String(n) })}
            aria-current={n === view.limit ? 'true' : undefined}
            className={`rounded px-2 py-0.5 ${n === view.limit ? 'bg-indigo-600 font-medium text-white' : 'text-indigo-600 hover:underline dark:text-indigo-400'}`}
          >
            {n}
          </Link>
        ))}
      </nav>
    </div>
  );
}
