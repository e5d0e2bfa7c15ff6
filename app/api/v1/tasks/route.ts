import { route } from '@/lib/http/route';
import { createTaskBodySchema } from '@/lib/tasks/schemas';
import { createTask } from '@/lib/tasks/service';
import { taskTable, taskTableQuery } from '@/lib/tasks/table';

export const GET = route({ query: taskTableQuery }, ({ db, principal, query }) => taskTable(db, principal, query));

export const POST = route({ body: createTaskBodySchema, status: 201, idempotent: true }, ({ db, principal, body, idempotencyKey }) =>
  createTask(db, principal, body, { idempotencyKey }),
);
