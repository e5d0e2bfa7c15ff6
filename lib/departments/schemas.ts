import { z } from 'zod';
import { resourceTypes } from '../org/resource-kinds';
import { departmentIdSchema } from '../org/department-id';
import { departmentQuotasSchema } from '../quotas/schemas';

const slug = departmentIdSchema;
const tag = z.string().trim().min(1).max(64);
export const strategySchema = z.enum(['round-robin', 'least-connections', 'weighted', 'capability-match']);

const fields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000),
  specializations: z.array(tag).max(100),
  capabilities: z.array(tag).max(200),
  resourceTypes: z.array(z.enum(resourceTypes)).max(resourceTypes.length),
  maxAgents: z.number().int().min(1).max(100_000),
  status: z.enum(['active', 'inactive']),
  loadBalancingStrategy: strategySchema,
  collaboratesWith: z.array(slug).max(100),
  quotas: departmentQuotasSchema,
};

export const createDepartmentSchema = z
  .object({
    id: slug,
    name: fields.name,
    description: fields.description.default(''),
    specializations: fields.specializations.default([]),
    capabilities: fields.capabilities.default([]),
    resourceTypes: fields.resourceTypes.default([]),
    maxAgents: fields.maxAgents.optional(),
    status: fields.status.default('active'),
    loadBalancingStrategy: fields.loadBalancingStrategy.optional(),
    collaboratesWith: fields.collaboratesWith.default([]),
  })
  .strict();
export type CreateDepartmentInput = z.infer<typeof createDepartmentSchema>;

// No defaults here: a PATCH must change only the fields it names.
export const updateDepartmentSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update');
export type UpdateDepartmentInput = z.infer<typeof updateDepartmentSchema>;

/** POST /api/v1/departments/{id}/archive: `force` cancels its unfinished tasks instead of refusing. */
export const archiveDepartmentSchema = z.object({ force: z.boolean().default(false) }).strict();
