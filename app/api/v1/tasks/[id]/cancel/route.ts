import { route } from '@/lib/http/route';
import { taskIdParams } from '@/lib/tasks/schemas';
import { cancelTask } from '@/lib/tasks/service';

export const POST = route({ params: taskIdParams }, ({ db, principal, params }) => cancelTask(db, principal, params.id));
