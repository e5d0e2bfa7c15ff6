import Link from 'next/link';
import { getDb } from '@/db/client';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { hasPermission } from '@/lib/permissions/rbac';
import { resourceTypes } from '@/lib/org/resource-kinds';
import { CreateDepartmentForm } from './forms';

export default async function DepartmentsPage() {
  const principal = await requirePrincipal();
  const departments = await listDepartments(getDb(), principal);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Departments</h1>
      {departments.length === 0 ? (
        <EmptyState title="No departments you can see">
          Ask an administrator to add you to a department, or create one with <code>POST /api/v1/departments</code>.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="department-list">
          {departments.map((d) => (
            <li key={d.id} className="card">
              <div className="flex items-center justify-between">
                <Link href={`/departments/${d.id}`} className="text-lg font-semibold text-indigo-600 hover:underline dark:text-indigo-400">
                  {d.name}
                </Link>
                <span className="flex gap-1">
                  {d.archivedAt && <Badge value="archived" />}
                  <Badge value={d.status} />
                </span>
              </div>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{d.description}</p>
              <dl className="mt-3 grid grid-cols-2 gap-1 text-xs">
                <dt className="text-slate-500 dark:text-slate-400">Agent limit</dt>
                <dd className="tabular-nums">{d.maxAgents}</dd>
                <dt className="text-slate-500 dark:text-slate-400">Strategy</dt>
                <dd>{d.loadBalancingStrategy}</dd>
                <dt className="text-slate-500 dark:text-slate-400">Resources</dt>
                <dd>{d.resourceTypes.join(', ') || '—'}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {hasPermission(principal, 'department:create') && <CreateDepartmentForm resourceKinds={resourceTypes} />}
    </div>
  );
}
