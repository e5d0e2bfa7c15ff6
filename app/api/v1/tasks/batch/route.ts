import { route } from '@/lib/http/route';
import { createTasksBodySchema, createTasksResponse } from '@/lib/tasks/schemas';
import { createTasks } from '@/lib/tasks/batch';

export const POST = route(
  {
    body: createTasksBodySchema,
    status: 201,
    idempotent: true,
    summary: 'Create up to 1,000 tasks in one request',
    response: createTasksResponse,
  },
  ({ db, principal, body, idempotencyKey }) => createTasks(db, principal, body.tasks, { idempotencyKey, door: 'rest' }),
);
