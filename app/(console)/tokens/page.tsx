import { getDb } from '@/db/client';
import { listApiTokens } from '@/lib/tokens/service';
import { hasPermission } from '@/lib/auth/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { CreateTokenForm, RevokeButton } from './forms';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' }) : '—');

export default async function TokensPage() {
  const principal = await requirePrincipal();
  if (!hasPermission(principal, 'token:own')) {
    return <EmptyState title="No API tokens for your role">Your role ({principal.role}) can&apos;t own API tokens.</EmptyState>;
  }
  const { items } = await listApiTokens(getDb(), principal, { includeRevoked: true });
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
          <table className="table" data-testid="token-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Permissions</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => {
                const expired = t.expiresAt && Date.parse(t.expiresAt) < Date.now();
                return (
                  <tr key={t.id}>
                    <td className="font-medium">{t.name}</td>
                    <td className="text-xs">{t.permissions?.join(', ') ?? 'all of yours'}</td>
                    <td className="tabular-nums">{when(t.createdAt)}</td>
                    <td className="tabular-nums">{when(t.expiresAt)}</td>
                    <td className="tabular-nums">{when(t.lastUsedAt)}</td>
                    <td>{t.revokedAt ? <Badge value="revoked" /> : expired ? <Badge value="expired" /> : <Badge value="active" />}</td>
                    <td>{!t.revokedAt && <RevokeButton id={t.id} name={t.name} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
