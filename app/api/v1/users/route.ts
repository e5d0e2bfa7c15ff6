import { route } from '@/lib/http/route';
import { createUserSchema, listUsersQuery } from '@/lib/users/schemas';
import { createUser, listUsers } from '@/lib/users/service';

export const GET = route({ query: listUsersQuery }, ({ db, principal, query }) => listUsers(db, principal, query));

export const POST = route({ body: createUserSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createUser(db, principal, body),
);
