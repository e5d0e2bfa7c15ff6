import { getDb } from '@/db/client';
import { priorities } from '@/db/vocabulary';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { TaskForm } from './task-form';

export default async function NewTaskPage() {
  const principal = await requirePrincipal();
  const depts = await listDepartments(getDb(), principal);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">New task</h1>
      <TaskForm departments={depts.map((d) => ({ id: d.id, name: d.name, specializations: d.specializations }))} priorities={priorities} />
    </div>
  );
}
