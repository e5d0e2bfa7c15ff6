import { z } from 'zod';
import { AppError } from '../errors';

/** Larger payloads belong in a task or a resource, not on the bus: every byte is copied per recipient. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const topicName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, { message: 'Topic: letters, digits and . _ : / - (starting with a letter or digit)' });
const departmentSlug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'Unknown department' });

export const addressSchema = z.union([
  z.strictObject({ agentId: z.uuid() }),
  z.strictObject({ departmentId: departmentSlug, mode: z.enum(['all', 'one']).default('all') }),
  z.strictObject({ topic: topicName }),
  z.strictObject({ broadcast: z.literal(true) }),
]);

export const sendSchema = z.object({
  to: addressSchema,
  type: z.string().min(1).max(100),
  data: z.unknown().optional(),
});

export const topicSchema = z.object({ topic: topicName });
export const publishSchema = z.object({
  topic: topicName,
  type: z.string().min(1).max(100).default('publish'),
  data: z.unknown().optional(),
});

export type Address = z.output<typeof addressSchema>;
export type SendInput = z.output<typeof sendSchema>;

/** Measured on the JSON the recipients receive; answered 413 like an oversized HTTP body. */
export function assertMessageSize(data: unknown): void {
  const bytes = data === undefined ? 0 : Buffer.byteLength(JSON.stringify(data) ?? '', 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new AppError(413, 'Content Too Large', `Message data is ${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES}`, {
      limit: MAX_MESSAGE_BYTES,
      size: bytes,
    });
  }
}
