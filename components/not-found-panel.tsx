import Link from 'next/link';

/** The console's "nothing here" page: what happened and ways on. */
export function NotFoundPanel() {
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center" data-testid="not-found">
      <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="text-2xl font-semibold">Nothing here</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        This page doesn&apos;t exist, or what it showed was removed or is outside your departments. Check the address, or go back to the
        console.
      </p>
      <div className="flex flex-wrap justify-center gap-3">
        <Link href="/" className="btn">
          Back to the overview
        </Link>
        <Link href="/tasks" prefetch={false} className="btn-secondary">
          Tasks
        </Link>
        <Link href="/agents" prefetch={false} className="btn-secondary">
          Agents
        </Link>
      </div>
    </div>
  );
}
