import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getDepartment, getDepartmentStatus } from '@/lib/departments/service';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { StatTile } from '@/components/stat-tile';
import { Badge } from '@/components/badge';

export default async function DepartmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requirePrincipal();
  const db = getDb();
  const loaded = await Promise.all([getDepartment(db, principal, id), getDepartmentStatus(db, principal, id)]).catch((err) => {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  });
  const [dept, status] = loaded;
  return (
    <div className="space-y-6">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">{dept.name}</h1>
        <Badge value={dept.status} />
      </div>
      <p className="text-slate-600 dark:text-slate-400">{dept.description}</p>
      <section className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatTile label="Agents" value={`${status.agents.total} / ${dept.maxAgents}`} hint={`${status.agents.idle} idle · ${status.agents.busy} busy · ${status.agents.offline} offline`} />
        <StatTile label="Pending tasks" value={status.tasks.pending} />
        <StatTile label="Active tasks" value={status.tasks.active} />
        <StatTile label="Completed" value={status.tasks.completed} hint={`${status.tasks.failed + status.tasks.dead} failed or dead`} />
      </section>
      <section className="grid gap-4 lg:grid-cols-2">
        <div className="card">
          <h2 className="mb-2 font-semibold">Specializations</h2>
          <p className="text-sm">{dept.specializations.join(', ') || '—'}</p>
          <h2 className="mb-2 mt-4 font-semibold">Capabilities</h2>
          <p className="text-sm">{dept.capabilities.join(', ') || '—'}</p>
          <h2 className="mb-2 mt-4 font-semibold">Load balancing</h2>
          <p className="text-sm">{dept.loadBalancingStrategy}</p>
        </div>
        <div className="card overflow-x-auto">
          <h2 className="mb-2 font-semibold">Resource pools</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Allocated</th>
                <th scope="col">Capacity</th>
                <th scope="col">Use</th>
              </tr>
            </thead>
            <tbody>
              {status.resources.map((r) => (
                <tr key={r.type}>
                  <td>{r.type}</td>
                  <td className="tabular-nums">{r.allocated}</td>
                  <td className="tabular-nums">{r.capacity}</td>
                  <td className="tabular-nums">{(r.utilisation * 100).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
