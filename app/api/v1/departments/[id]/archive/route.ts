import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { archiveDepartmentSchema } from '@/lib/departments/schemas';
import { archiveDepartment } from '@/lib/departments/service';

export const POST = route(
  { params: departmentParams, body: archiveDepartmentSchema, summary: 'Archive a department' },
  ({ db, principal, params, body }) => archiveDepartment(db, principal, params.id, body),
);
