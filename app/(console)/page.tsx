import Link from 'next/link';
import { getDb } from '@/db/client';
import { getSystemStatus } from '@/lib/status/system';
import { requirePrincipal } from '@/app/_lib/session';
import { StatTile } from '@/components/stat-tile';
import { EmptyState } from '@/components/empty-state';

export default async function OverviewPage() {
  const principal = await requirePrincipal();
  const s = await getSystemStatus(getDb(), principal);
  const sum = (c: Record<string, number>, ...keys: string[]) => keys.reduce((a, k) => a + (c[k] ?? 0), 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      <section className="grid grid-cols-2 gap-4 lg:grid-cols-6" aria-label="Live figures">
        <StatTile label="Departments" value={s.departments.length} testId="tile-departments" />
        <StatTile label="Agents" value={s.totalAgents} hint={`${sum(s.agents, 'idle')} idle · ${sum(s.agents, 'busy')} busy`} testId="tile-agents" />
        <StatTile label="Offline agents" value={sum(s.agents, 'offline')} testId="tile-offline" />
        <StatTile label="Queue depth" value={sum(s.tasks, 'pending')} testId="tile-queue" />
        <StatTile label="Active tasks" value={sum(s.tasks, 'assigned', 'running')} testId="tile-active" />
        <StatTile label="Completed" value={sum(s.tasks, 'completed')} hint={`${sum(s.tasks, 'failed', 'dead')} failed or dead`} testId="tile-completed" />
      </section>
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Departments</h2>
        {s.departments.length === 0 ? (
          <EmptyState title="No departments yet">
            Create one with <code>POST /api/v1/departments</code>, or restart with an empty database to seed the demo organisation.
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Department</th>
                <th scope="col">Agents</th>
                <th scope="col">Pending</th>
                <th scope="col">Active</th>
                <th scope="col">Completed</th>
                <th scope="col">Resource use</th>
              </tr>
            </thead>
            <tbody>
              {s.departments.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href={`/departments/${d.id}`}>
                      {d.name}
                    </Link>
                  </td>
                  <td className="tabular-nums">
                    {sum(d.agents, 'idle', 'busy', 'draining', 'offline')} / {d.maxAgents}
                  </td>
                  <td className="tabular-nums">{sum(d.tasks, 'pending')}</td>
                  <td className="tabular-nums">{sum(d.tasks, 'assigned', 'running')}</td>
                  <td className="tabular-nums">{sum(d.tasks, 'completed')}</td>
                  <td className="tabular-nums">{(d.resourceUtilisation * 100).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
