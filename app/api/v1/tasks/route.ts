import { route } from '@/lib/http/route';
import { createTaskBodySchema, listTasksQuery } from '@/lib/tasks/schemas';
import { createTask, listTasks } from '@/lib/tasks/service';

export const GET = route({ query: listTasksQuery }, ({ db, principal, query }) => listTasks(db, principal, query));

export const POST = route({ body: createTaskBodySchema, status: 201, idempotent: true }, ({ db, principal, body, idempotencyKey }) =>
  createTask(db, principal, body, { idempotencyKey }),
);
