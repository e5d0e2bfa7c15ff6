import { route } from '@/lib/http/route';
import { sendSchema } from '@/lib/bus/schemas';
import { sendMessage } from '@/lib/bus/send';

export const POST = route({ body: sendSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  sendMessage(db, principal, body),
);
