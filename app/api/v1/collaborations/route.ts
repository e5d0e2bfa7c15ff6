import { route } from '@/lib/http/route';
import { collaborationSchema } from '@/lib/tasks/schemas';
import { createCollaboration } from '@/lib/tasks/collaboration';

export const POST = route({ body: collaborationSchema, status: 201, idempotent: true }, ({ db, principal, body }) =>
  createCollaboration(db, principal, body),
);
