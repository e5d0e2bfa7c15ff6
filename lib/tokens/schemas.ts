import { z } from 'zod';
import { tokenQuotasSchema } from '../quotas/schemas';

const permission = z.string().regex(/^(\*|[a-z-]+:(\*|[a-z-]+))$/, 'A permission such as task:read, task:* or *');

export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    // Either a fixed end or a number of days; neither: the token lives until revoked.
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    permissions: z.array(permission).min(1).max(100).optional(),
    quotas: tokenQuotasSchema.optional(),
  })
  .strict()
  .refine((v) => !(v.expiresAt && v.expiresInDays), { message: 'Give expiresAt or expiresInDays, not both', path: ['expiresAt'] });
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenParams = z.object({ id: z.uuid() });

export const listTokensQuery = z.object({ includeRevoked: z.enum(['true', 'false']).optional() });
