import { z } from 'zod';
import { route } from '@/lib/http/route';
import { listSecurityEvents, severities } from '@/lib/security/events';

const query = z.object({
  kind: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional(),
  severity: z.enum(severities).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const GET = route({ query }, ({ db, principal, query }) => listSecurityEvents(db, principal, query));
