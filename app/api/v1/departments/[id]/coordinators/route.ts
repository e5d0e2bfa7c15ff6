import { route } from '@/lib/http/route';
import { departmentParams } from '@/lib/departments/params';
import { coordinatorSchema } from '@/lib/users/schemas';
import { registerCoordinator } from '@/lib/users/service';

export const POST = route(
  { params: departmentParams, body: coordinatorSchema, status: 201, idempotent: true },
  ({ db, principal, params, body }) => registerCoordinator(db, principal, params.id, body),
);
