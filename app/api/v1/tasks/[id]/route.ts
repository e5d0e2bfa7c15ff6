import { route } from '@/lib/http/route';
import { taskIdParams } from '@/lib/tasks/schemas';
import { getTask } from '@/lib/tasks/service';

export const GET = route({ params: taskIdParams }, ({ db, principal, params }) => getTask(db, principal, params.id));
