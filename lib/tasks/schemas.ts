import { z } from 'zod';
import { priorities, taskStatuses } from '@/db/schema/work';
import { resourceKindCatalog, resourceTypes } from '../resources/kinds';
import { pageQuery } from '../http/cursor';

const slug = z.string().min(1).max(40).regex(/^[a-z][a-z0-9-]*$/, 'A department id');
const name = z.string().trim().min(1).max(100);
const jsonValue = z.json().refine((v) => JSON.stringify(v).length <= 256 * 1024, 'At most 256 KiB of JSON');

const capabilityValue = z.union([z.boolean(), z.number().finite(), z.string().max(200), z.array(z.string().max(200)).max(50)]);

export const capabilitiesSchema = z
  .union([z.array(name).max(100), z.record(name, capabilityValue)])
  .refine((v) => (Array.isArray(v) ? v.length : Object.keys(v).length) <= 100, 'At most 100 capabilities');

/** What a task or an agent may ask of its department's pools: never more than the organisation has of the kind, which no pool could ever grant (it would wait for ever). */
export const resourceAmountsSchema = z.partialRecord(z.enum(resourceTypes), z.number().int().min(1)).superRefine((amounts, ctx) => {
  for (const kind of resourceTypes) {
    const amount = amounts[kind];
    const { total, unit } = resourceKindCatalog[kind];
    if (amount !== undefined && amount > total) ctx.addIssue({ code: 'custom', path: [kind], message: `At most ${total} ${unit}: the organisation's whole ${kind}` });
  }
});

export const requirementsSchema = z
  .object({
    specialization: name.optional(),
    capabilities: capabilitiesSchema.optional(),
    resources: resourceAmountsSchema.optional(),
  })
  // Any other key (`language: 'JavaScript'`) is a required capability: createTask folds it into
  // `capabilities`, where matching, the wait diagnosis and the task page all see it.
  .catchall(capabilityValue)
  .refine((v) => Object.keys(v).length <= 100, 'At most 100 requirements');

export const createTaskSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    departmentId: slug,
    type: name,
    priority: z.enum(priorities).default('medium'),
    requirements: requirementsSchema.optional(),
    payload: jsonValue.optional(),
    estimatedDuration: z.number().int().min(0).max(30 * 24 * 3600_000).optional(),
    timeout: z.number().int().min(1000).max(7 * 24 * 3600_000).optional(),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    dependsOn: z.array(z.uuid()).max(100).default([]),
    parentTaskId: z.uuid().optional(),
    targetAgentId: z.uuid().optional(),
  })
  .strict();
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

/**
 * The body of POST /api/v1/tasks: createTaskSchema, with `department` accepted as another name
 * for `departmentId` (the design's examples use it).
 */
export const createTaskBodySchema = z
  .object({ ...createTaskSchema.shape, departmentId: slug.optional(), department: slug.optional() })
  .strict()
  // For the OpenAPI document: one of the two names is required.
  .meta({ anyOf: [{ required: ['departmentId'] }, { required: ['department'] }] })
  .refine((v) => !!(v.departmentId ?? v.department), { message: 'Required (or its alias department)', path: ['departmentId'] })
  .refine((v) => !(v.departmentId && v.department && v.departmentId !== v.department), { message: 'department and departmentId name different departments', path: ['department'] })
  // The object above carries every field of createTaskSchema, checked the same way.
  .transform(({ department, ...rest }): CreateTaskInput => ({ ...rest, departmentId: (rest.departmentId ?? department)! }));

export const listTasksQuery = z.object({
  departmentId: slug.optional(),
  status: z.enum(taskStatuses).optional(),
  priority: z.enum(priorities).optional(),
  agentId: z.uuid().optional(),
  parentTaskId: z.uuid().optional(),
  q: z.string().max(200).optional(),
  ...pageQuery,
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const taskIdParams = z.object({ id: z.uuid() });

export const progressSchema = z.object({ progress: z.number().min(0).max(1).optional() }).strict();
export const completeSchema = z.object({ result: jsonValue.optional() }).strict();
export const failSchema = z.object({ error: z.string().min(1).max(10_000), retryable: z.boolean().optional() }).strict();

export const collaborationSchema = z
  .object({
    fromAgentId: z.uuid().optional(),
    taskId: z.uuid(),
    targetDepartmentId: slug.optional(),
    targetAgentId: z.uuid().optional(),
    request: z
      .object({
        title: z.string().trim().min(1).max(300),
        type: name.default('collaboration'),
        priority: z.enum(priorities).optional(),
        requirements: requirementsSchema.optional(),
        payload: jsonValue.optional(),
      })
      .strict(),
  })
  .strict()
  .refine((v) => !!v.targetDepartmentId !== !!v.targetAgentId, { message: 'Give exactly one of targetDepartmentId or targetAgentId', path: ['targetDepartmentId'] });
export type CollaborationInput = z.infer<typeof collaborationSchema>;
