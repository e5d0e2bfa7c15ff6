import { z } from 'zod';

const when = z.iso.datetime({ offset: true }).or(z.iso.date());

export const auditQuery = z.object({
  actor: z.string().trim().min(1).max(128).optional(),
  // An exact action, or a prefix ending in * (e.g. user.*).
  action: z
    .string()
    .trim()
    .regex(/^[a-z.*-]{1,64}$/, 'An action such as user.update or user.*')
    .optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: when.optional(),
  to: when.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'The nextCursor of the previous page')
    .optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const reportQuery = z.object({ from: when, to: when });
export type ReportQuery = z.infer<typeof reportQuery>;
