import { route } from '@/lib/http/route';
import { tokenParams } from '@/lib/tokens/schemas';
import { revokeApiToken } from '@/lib/tokens/service';

export const DELETE = route({ params: tokenParams }, ({ db, principal, params }) => revokeApiToken(db, principal, params.id));
