import { getDb } from '@/db/client';
import { tokenSortKeys, tokenTable } from '@/lib/tokens/table';
import { hasPermission } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { CreateTokenForm, RevokeButton } from './forms';
import { Time } from '@/components/time';

export default async function TokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  if (!hasPermission(principal, 'token:own')) {
    return <EmptyState title="No API tokens for your role">Your role ({principal.role}) can&apos;t own API tokens.</EmptyState>;
  }
  const table = tableParams(single(await searchParams), tokenSortKeys);
  const page = await withCursorOrFirst(table, (q) => tokenTable(getDb(), principal, q));
  const items = page.items;
  const view = tableView('/tokens', {}, page, table, 'tokens');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        For scripts: send <code>Authorization: Bearer ecs_pat_…</code>. A token has at most your rights, and loses them if yours shrink.
      </p>
      <CreateTokenForm />
      <section className="card overflow-x-auto">
        {items.length === 0 ? (
          <EmptyState title="No tokens yet">Create one above.</EmptyState>
        ) : (
          <DataTable
            testId="token-table"
            rows={items}
            rowKey={(t) => t.id}
            view={view}
            columns={[
              { header: 'Name', sortKey: 'name', className: 'font-medium', cell: (t) => t.name },
              { header: 'Permissions', className: 'text-xs', cell: (t) => t.permissions?.join(', ') ?? 'all of yours' },
              { header: 'Requests / min', numeric: true, cell: (t) => t.quotas.requestsPerMinute ?? 'no limit' },
              { header: 'Created', sortKey: 'createdAt', numeric: true, cell: (t) => <Time value={t.createdAt} /> },
              { header: 'Expires', sortKey: 'expiresAt', numeric: true, cell: (t) => <Time value={t.expiresAt} /> },
              { header: 'Last used', sortKey: 'lastUsedAt', numeric: true, cell: (t) => <Time value={t.lastUsedAt} relative /> },
              {
                header: 'State',
                cell: (t) => {
                  const expired = t.expiresAt && Date.parse(t.expiresAt) < Date.now();
                  return t.revokedAt ? <Badge value="revoked" /> : expired ? <Badge value="expired" /> : <Badge value="active" />;
                },
              },
              { header: <span className="sr-only">Actions</span>, cell: (t) => !t.revokedAt && <RevokeButton id={t.id} name={t.name} /> },
            ]}
          />
        )}
      </section>
    </div>
  );
}
