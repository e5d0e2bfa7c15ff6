import { route } from '@/lib/http/route';
import { taskIdParams } from '@/lib/tasks/schemas';
import { retryTask } from '@/lib/tasks/service';

export const POST = route({ params: taskIdParams }, ({ db, principal, params }) => retryTask(db, principal, params.id));
