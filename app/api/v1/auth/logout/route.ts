import { z } from 'zod';
import { route } from '@/lib/http/route';
import { logout } from '@/lib/auth/logout';

const logoutSchema = z.object({ refreshToken: z.string().min(10).max(200).optional(), everywhere: z.boolean().optional() }).strict();

export const POST = route({ body: logoutSchema, mfaEnrolment: true }, async ({ db, principal, body }) => {
  await logout(db, principal, body);
});
