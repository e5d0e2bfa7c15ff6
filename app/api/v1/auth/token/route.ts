import { route } from '@/lib/http/route';
import { loginSchema } from '@/lib/auth/schemas';
import { authenticate } from '@/lib/auth/login';
import { issueTokens } from '@/lib/auth/session-tokens';

export const POST = route({ auth: false, body: loginSchema }, async ({ db, body, ip }) => {
  const user = await authenticate(db, body, { ip, via: 'api' });
  return issueTokens(db, user);
});
