import { route } from '@/lib/http/route';
import { taskDetailResponse, taskIdParams } from '@/lib/tasks/schemas';
import { getTask } from '@/lib/tasks/service';

export const GET = route({ params: taskIdParams, response: taskDetailResponse }, ({ db, principal, params }) =>
  getTask(db, principal, params.id),
);
