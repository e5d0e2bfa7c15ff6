import { z } from 'zod';
import { priorities } from '@/db/vocabulary';
import { departmentIdSchema } from '../org/department-id';
import { resourceTypes } from '../org/resource-kinds';

const amount = z.number().int().positive().max(1_000_000);
const kind = z.enum(resourceTypes);

/** `{compute: 4, memory: 16}`: only known kinds, whole positive units, at least one. */
export const resourceRequestSchema = z
  .partialRecord(kind, amount)
  .refine((r) => Object.keys(r).length > 0, 'Ask for at least one resource kind');

export const checkSchema = z.object({ departmentId: departmentIdSchema, resources: resourceRequestSchema }).strict();
export type CheckInput = z.infer<typeof checkSchema>;

export const allocateSchema = z
  .object({
    agentId: z.uuid(),
    taskId: z.uuid().optional(),
    resources: resourceRequestSchema,
    priority: z.enum(priorities).default('medium'),
    // Wait in the queue up to this long instead of failing at once.
    waitMs: z.number().int().min(0).max(120_000).optional(),
  })
  .strict();
export type AllocateInput = z.input<typeof allocateSchema>;

const poolLimits = z
  .object({ guaranteed: z.number().int().min(0).max(10_000_000), maximum: z.number().int().min(0).max(10_000_000) })
  .partial()
  .strict()
  .refine((p) => p.guaranteed !== undefined || p.maximum !== undefined, 'Give guaranteed, maximum or both');

/** PATCH body: `{compute: {guaranteed: 400, maximum: 800}}`. A kind without a pool yet gets one (both fields then needed). */
export const updateCapacitiesSchema = z.partialRecord(kind, poolLimits).refine((r) => Object.keys(r).length > 0, 'Nothing to update');
export type UpdateCapacitiesInput = z.infer<typeof updateCapacitiesSchema>;

export const listAllocationsQuery = z
  .object({
    departmentId: departmentIdSchema.optional(),
    agentId: z.uuid().optional(),
    taskId: z.uuid().optional(),
    status: z.enum(['active', 'released', 'preempted']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type ListAllocationsQuery = z.infer<typeof listAllocationsQuery>;

export const allocationParams = z.object({ id: z.uuid() });
export const agentParams = z.object({ id: z.uuid() });
