import { getDb } from '@/db/client';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { RegisterAgentForm } from './register-form';

export default async function RegisterAgentPage() {
  const principal = await requirePrincipal();
  const depts = (await listDepartments(getDb(), principal)).filter((d) => !d.archivedAt && d.status === 'active');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Register an agent</h1>
      <p className="max-w-2xl text-sm text-slate-600 dark:text-slate-400">
        An agent is a worker process that connects to this server and takes tasks of its department. Registering it here gives it an id and
        a secret to sign in with.
      </p>
      <RegisterAgentForm departments={depts.map((d) => ({ id: d.id, name: d.name, specializations: d.specializations }))} />
    </div>
  );
}
