import Link from 'next/link';
import { getDb } from '@/db/client';
import { getDepartmentStatus, listDepartments } from '@/lib/departments/service';
import { isGlobal } from '@/lib/auth/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { StatTile } from '@/components/stat-tile';

/**
 * The coordinator portal: only the caller's departments, through the same lib/ calls (and so the
 * same authorize) as REST. A global role sees every department here too.
 */
export default async function PortalPage() {
  const principal = await requirePrincipal();
  const db = getDb();
  const departments = await listDepartments(db, principal);
  const statuses = await Promise.all(departments.map((d) => getDepartmentStatus(db, principal, d.id)));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Coordinator portal</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {isGlobal(principal) ? 'Every department (your role is not limited to departments).' : `Your departments: ${departments.map((d) => d.name).join(', ') || 'none'}.`}
        </p>
      </div>
      {departments.length === 0 && <EmptyState title="You belong to no department">Ask a department administrator to add you.</EmptyState>}
      {departments.map((d, i) => {
        const s = statuses[i];
        return (
          <section key={d.id} className="space-y-3" aria-labelledby={`portal-${d.id}`} data-testid={`portal-${d.id}`}>
            <div className="flex items-center gap-3">
              <h2 id={`portal-${d.id}`} className="text-xl font-semibold">
                <Link href={`/departments/${d.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">{d.name}</Link>
              </h2>
              <Badge value={d.status} />
            </div>
            <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
              <StatTile label="Agents" value={`${s.agents.total} / ${d.maxAgents}`} hint={`${s.agents.idle} idle · ${s.agents.busy} busy · ${s.agents.offline} offline`} />
              <StatTile label="Pending tasks" value={s.tasks.pending} />
              <StatTile label="Active tasks" value={s.tasks.active} />
              <StatTile label="Completed" value={s.tasks.completed} hint={`${s.tasks.failed + s.tasks.dead} failed or dead`} />
            </div>
            <div className="grid gap-4 lg:grid-cols-2">
              <div className="card overflow-x-auto">
                <h3 className="mb-2 font-semibold">Resource pools</h3>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Kind</th>
                      <th scope="col">Allocated</th>
                      <th scope="col">Capacity</th>
                      <th scope="col">Available</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.resources.map((r) => (
                      <tr key={r.type}>
                        <td>{r.type}</td>
                        <td className="tabular-nums">{r.allocated}</td>
                        <td className="tabular-nums">{r.capacity}</td>
                        <td className="tabular-nums">{r.available}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="card">
                <h3 className="mb-2 font-semibold">Open alerts</h3>
                {s.alerts.length === 0 ? (
                  <p className="text-sm text-slate-500">None.</p>
                ) : (
                  <ul className="space-y-1 text-sm">
                    {s.alerts.map((a) => (
                      <li key={a.id}>
                        <Badge value={a.severity} /> {a.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </section>
        );
      })}
      <section className="card">
        <h2 className="mb-2 font-semibold">What your role ({principal.role}) may do</h2>
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="portal-permissions">{principal.permissions.join(' · ')}</p>
      </section>
    </div>
  );
}
