import { route } from '@/lib/http/route';
import { updateUserSchema, userParams } from '@/lib/users/schemas';
import { deleteUser, getUser, updateUser } from '@/lib/users/service';

export const GET = route({ params: userParams }, ({ db, principal, params }) => getUser(db, principal, params.id));

export const PATCH = route({ params: userParams, body: updateUserSchema }, ({ db, principal, params, body }) =>
  updateUser(db, principal, params.id, body),
);

export const DELETE = route({ params: userParams }, ({ db, principal, params }) => deleteUser(db, principal, params.id));
