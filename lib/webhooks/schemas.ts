import { z } from 'zod';
import { webhookEventTypes } from '@/db/vocabulary';
import { departmentIdSchema } from '../org/department-id';

const url = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'An http or https URL');
const events = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .max(webhookEventTypes.length * 2)
  .transform((list) => [...new Set(list)]);
/** Standard Webhooks' form: whsec_ and 24 to 64 random bytes in base64. */
export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'whsec_ followed by base64')
  .refine((v) => {
    const n = Buffer.from(v.slice(6), 'base64').length;
    return n >= 24 && n <= 64;
  }, 'The base64 part must hold 24 to 64 bytes');

export const webhookIdParams = z.object({ id: z.uuid() });
export const deliveryIdParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });

export const createWebhookSchema = z.object({
  url,
  events,
  /** Unset or null: a global webhook (every department's events), for super-admins. */
  departmentId: departmentIdSchema.nullable().optional(),
  /** Unset: one is generated. Either way it is answered once, in this response. */
  secret: webhookSecretSchema.optional(),
  description: z.string().trim().max(500).optional(),
  enabled: z.boolean().default(true),
});
export type CreateWebhookInput = z.output<typeof createWebhookSchema>;

export const updateWebhookSchema = z.object({
  url: url.optional(),
  events: events.optional(),
  description: z.string().trim().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
  /** true: a new secret is generated and answered once, in this response. */
  rotateSecret: z.boolean().optional(),
});
export type UpdateWebhookInput = z.output<typeof updateWebhookSchema>;

export const listWebhooksQuery = z.object({ departmentId: departmentIdSchema.optional() });
export type ListWebhooksQuery = z.output<typeof listWebhooksQuery>;
