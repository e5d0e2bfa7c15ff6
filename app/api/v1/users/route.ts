import { route } from '@/lib/http/route';
import { createUserSchema } from '@/lib/users/schemas';
import { createUser } from '@/lib/users/service';
import { userTable, userTableQuery } from '@/lib/users/table';

export const GET = route({ query: userTableQuery }, ({ db, principal, query }) => userTable(db, principal, query));

export const POST = route({ body: createUserSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createUser(db, principal, body),
);
