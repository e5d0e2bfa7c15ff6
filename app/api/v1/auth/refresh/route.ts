import { route } from '@/lib/http/route';
import { refreshSchema } from '@/lib/auth/schemas';
import { rotateRefreshToken } from '@/lib/auth/session-tokens';

export const POST = route({ auth: false, body: refreshSchema }, ({ db, body, ip }) => rotateRefreshToken(db, body.refreshToken, ip));
