import { getDb } from '@/db/client';
import { roles } from '@/db/vocabulary';
import { userSortKeys, userTable } from '@/lib/users/table';
import { listDepartments } from '@/lib/departments/service';
import { mfaRequiredRoles } from '@/lib/security/mfa-policy';
import { canGrantRole, hasPermission } from '@/lib/permissions/rbac';
import { env } from '@/lib/env';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { CreateUserForm, EditUserForm, MfaPolicyForm } from './forms';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  if (!hasPermission(principal, 'user:read')) {
    return <EmptyState title="Users are managed by administrators">Your role ({principal.role}) can&apos;t see the user list.</EmptyState>;
  }
  const db = getDb();
  const sp = single(await searchParams);
  const q = sp.q?.trim().slice(0, 64) || undefined;
  const table = tableParams(sp, userSortKeys);
  const [page, departments, required] = await Promise.all([
    withCursorOrFirst({ q, ...table }, (query) => userTable(db, principal, query)),
    listDepartments(db, principal),
    mfaRequiredRoles(db),
  ]);
  const items = page.items;
  const view = tableView('/users', { q }, page, table, 'users');
  const grantable = roles.filter((r) => canGrantRole(principal, r));
  const depts = departments.map((d) => ({ id: d.id, name: d.name }));
  const deptNames: Record<string, string> = Object.fromEntries(depts.map((d) => [d.id, d.name]));
  const canEdit = hasPermission(principal, 'user:update');
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Users</h1>
        <form className="flex gap-2" role="search">
          <label htmlFor="user-q" className="sr-only">
            Search users
          </label>
          <input id="user-q" name="q" defaultValue={q} placeholder="Search username" className="input w-56" />
          {(['sort', 'order', 'limit'] as const).map((k) => sp[k] && <input key={k} type="hidden" name={k} value={sp[k]} />)}
          <button type="submit" className="btn-secondary">
            Search
          </button>
        </form>
      </div>
      {hasPermission(principal, 'user:create') && <CreateUserForm roles={grantable} departments={depts} />}
      {hasPermission(principal, 'settings:update') && env().ENABLE_MFA && <MfaPolicyForm roles={[...roles]} required={required} />}
      <section className="card overflow-x-auto">
        <DataTable
          testId="user-table"
          rows={items}
          rowKey={(u) => u.id}
          rowData={(u) => ({ 'data-username': u.username })}
          view={view}
          columns={[
            {
              header: 'Username',
              sortKey: 'username',
              className: 'align-top',
              cell: (u) =>
                canEdit && u.id !== principal.id ? (
                  <details>
                    <summary className="cursor-pointer font-medium text-indigo-600 dark:text-indigo-400">{u.username}</summary>
                    <EditUserForm user={u} roles={grantable} departments={depts} />
                  </details>
                ) : (
                  <span className="font-medium">{u.username}</span>
                ),
            },
            { header: 'Role', sortKey: 'role', className: 'align-top', cell: (u) => u.role },
            {
              header: 'Departments',
              className: 'align-top',
              cell: (u) =>
                u.departmentIds.length
                  ? u.departmentIds.map((d, i) => (
                      <span key={d}>
                        {i > 0 && ', '}
                        <DepartmentRef id={d} name={deptNames[d]} />
                      </span>
                    ))
                  : '—',
            },
            {
              header: 'State',
              className: 'space-x-1 align-top',
              cell: (u) => (
                <>
                  {u.disabled ? <Badge value="disabled" /> : <Badge value="active" />}
                  {u.lockedUntil && <Badge value="locked" />}
                  {u.mfaEnabled && <Badge value="mfa" />}
                  {required.includes(u.role) && !u.mfaEnabled && <Badge value="mfa missing" />}
                </>
              ),
            },
            {
              header: 'Last login',
              sortKey: 'lastLoginAt',
              className: 'align-top',
              numeric: true,
              cell: (u) => <Time value={u.lastLoginAt} relative />,
            },
          ]}
        />
      </section>
    </div>
  );
}
