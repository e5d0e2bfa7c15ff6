import { z } from 'zod';
import { resourceTypes } from '../resources/kinds';

const slug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'Lower-case letters, digits and dashes, starting with a letter');
const tag = z.string().trim().min(1).max(64);
export const strategySchema = z.enum(['round-robin', 'least-connections', 'weighted', 'capability-match']);

export const createDepartmentSchema = z
  .object({
    id: slug,
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).default(''),
    specializations: z.array(tag).max(100).default([]),
    capabilities: z.array(tag).max(200).default([]),
    resourceTypes: z.array(z.enum(resourceTypes)).max(resourceTypes.length).default([]),
    maxAgents: z.number().int().min(1).max(100_000).optional(),
    status: z.enum(['active', 'inactive']).default('active'),
    loadBalancingStrategy: strategySchema.optional(),
    collaboratesWith: z.array(slug).max(100).default([]),
  })
  .strict();
export type CreateDepartmentInput = z.infer<typeof createDepartmentSchema>;

export const updateDepartmentSchema = createDepartmentSchema
  .omit({ id: true })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update');
export type UpdateDepartmentInput = z.infer<typeof updateDepartmentSchema>;

export const departmentIdSchema = slug;
