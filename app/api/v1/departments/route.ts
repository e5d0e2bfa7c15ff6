import { route } from '@/lib/http/route';
import { createDepartmentSchema } from '@/lib/departments/schemas';
import { createDepartment, listDepartments } from '@/lib/departments/service';

export const GET = route({}, async ({ db, principal }) => {
  const items = await listDepartments(db, principal);
  return { items, nextCursor: null };
});

export const POST = route({ body: createDepartmentSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createDepartment(db, principal, body),
);
