import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { updateDepartmentSchema } from '@/lib/departments/schemas';
import { deleteDepartment, getDepartment, updateDepartment } from '@/lib/departments/service';

export const GET = route({ params: departmentParams }, ({ db, principal, params }) => getDepartment(db, principal, params.id));

export const PATCH = route({ params: departmentParams, body: updateDepartmentSchema }, ({ db, principal, params, body }) =>
  updateDepartment(db, principal, params.id, body),
);

export const DELETE = route({ params: departmentParams }, ({ db, principal, params }) => deleteDepartment(db, principal, params.id));
