import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { updateCapacitiesSchema } from '@/lib/resources/schemas';
import { getDepartmentResources, updateCapacities } from '@/lib/resources/service';

export const GET = route({ params: departmentParams }, ({ db, principal, params }) => getDepartmentResources(db, principal, params.id));

export const PATCH = route({ params: departmentParams, body: updateCapacitiesSchema }, ({ db, principal, params, body }) =>
  updateCapacities(db, principal, params.id, body),
);
