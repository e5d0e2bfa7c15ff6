import { z } from 'zod';
import { agentStatuses } from '@/db/vocabulary';
import { capabilitiesSchema, resourceAmountsSchema } from '../tasks/schemas';
import { resourceTypes } from '../org/resource-kinds';
import { pageQuery } from '../paging/cursor';

const slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'A department id');
const name = z.string().trim().min(1).max(100);

export const createAgentSchema = z
  .object({
    departmentId: slug,
    name: name.optional(),
    type: name,
    specialization: name,
    capabilities: capabilitiesSchema.default({}),
    // A list of kinds asks for the default grant of each (lib/org/resource-kinds.ts defaultGrant).
    resources: z.union([z.array(z.enum(resourceTypes)).max(resourceTypes.length), resourceAmountsSchema]).default({}),
    maxConcurrentTasks: z.number().int().min(1).max(1000).default(1),
    weight: z.number().min(0.01).max(1000).default(1),
  })
  .strict();
export type CreateAgentInput = z.infer<typeof createAgentSchema>;

export const updateAgentSchema = z
  .object({
    name: name.optional(),
    capabilities: capabilitiesSchema.optional(),
    maxConcurrentTasks: z.number().int().min(1).max(1000).optional(),
    weight: z.number().min(0.01).max(1000).optional(),
    draining: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update');
export type UpdateAgentInput = z.infer<typeof updateAgentSchema>;

export const listAgentsQuery = z.object({
  departmentId: slug.optional(),
  status: z.enum(agentStatuses).optional(),
  specialization: name.optional(),
  q: z.string().max(100).optional(),
  ...pageQuery,
});
export type ListAgentsQuery = z.infer<typeof listAgentsQuery>;

export const agentIdParams = z.object({ id: z.uuid() });
export const agentTokenSchema = z.object({ secret: z.string().min(10).max(200) }).strict();
export const heartbeatSchema = z.object({ load: z.number().min(0).max(1_000_000).optional() }).strict();

/** POST /api/v1/agents/{id}/claim: wait up to waitMs for work (0 answers at once), at most max tasks. */
export const claimSchema = z
  .object({
    waitMs: z.number().int().min(0).max(30_000).default(0),
    max: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type ClaimInput = z.infer<typeof claimSchema>;
