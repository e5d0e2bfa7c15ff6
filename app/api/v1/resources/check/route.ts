import { route } from '@/lib/http/route';
import { checkSchema } from '@/lib/resources/schemas';
import { checkAvailability } from '@/lib/resources/service';

export const POST = route({ body: checkSchema }, ({ db, principal, body }) => checkAvailability(db, principal, body));
