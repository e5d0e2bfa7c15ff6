import { z } from 'zod';
import { attemptOutcomes, dependencyPolicies, priorities, taskStatuses } from '@/db/vocabulary';
import { resourceKindCatalog, resourceTypes } from '../org/resource-kinds';
import { pageQuery } from '../paging/cursor';

const slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'A department id');
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
    if (amount !== undefined && amount > total)
      ctx.addIssue({ code: 'custom', path: [kind], message: `At most ${total} ${unit}: the organisation's whole ${kind}` });
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

/** How far ahead a delayed task may start, and how stale a runAt may be (a clock a little behind). */
export const MAX_DELAY_MS = 365 * 24 * 3600_000;
export const RUN_AT_PAST_TOLERANCE_MS = 60_000;

export const createTaskSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    departmentId: slug,
    type: name,
    priority: z.enum(priorities).default('medium'),
    requirements: requirementsSchema.optional(),
    payload: jsonValue.optional(),
    estimatedDuration: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600_000)
      .optional()
      .describe('Milliseconds one attempt is expected to take: the task page shows an ETA, and an `overrun` alert is raised past twice it'),
    timeout: z
      .number()
      .int()
      .min(1000)
      .max(7 * 24 * 3600_000)
      .optional()
      .describe(
        'Hard limit in milliseconds on one attempt, from its hand-out, whatever heart-beats do; past it the attempt is timed out and counts against maxAttempts',
      ),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    dependsOn: z.array(z.uuid()).max(100).default([]),
    /** When a dependency ends without completing: `cancel` this task too (the default), or `wait` for the dependency to be retried. */
    dependencyPolicy: z
      .enum(dependencyPolicies)
      .optional()
      .describe(
        "When a dependency ends dead, failed or cancelled: 'cancel' this task too, with reason dependency-failed (the default), or 'wait' for the dependency to be retried",
      ),
    parentTaskId: z.uuid().optional(),
    targetAgentId: z.uuid().optional(),
    // Delayed start: the task is 'scheduled' until then (lib/tasks/scheduled.ts).
    runAt: z.iso.datetime({ offset: true }).optional(),
    delayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  })
  .strict()
  .superRefine(checkStartTime);
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

function checkStartTime(v: { runAt?: string; delayMs?: number }, ctx: z.RefinementCtx) {
  if (v.runAt !== undefined && v.delayMs !== undefined)
    ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'Give runAt or delayMs, not both' });
  if (v.runAt === undefined) return;
  const at = Date.parse(v.runAt);
  if (at < Date.now() - RUN_AT_PAST_TOLERANCE_MS)
    ctx.addIssue({ code: 'custom', path: ['runAt'], message: 'More than a minute in the past' });
  if (at > Date.now() + MAX_DELAY_MS) ctx.addIssue({ code: 'custom', path: ['runAt'], message: 'More than a year ahead' });
}

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
  .refine((v) => !(v.departmentId && v.department && v.departmentId !== v.department), {
    message: 'department and departmentId name different departments',
    path: ['department'],
  })
  .superRefine(checkStartTime)
  // The object above carries every field of createTaskSchema, checked the same way.
  .transform(({ department, ...rest }): CreateTaskInput => ({ ...rest, departmentId: (rest.departmentId ?? department)! }));

/** The most tasks one batch may create: past it, split the batch. */
export const MAX_BATCH_TASKS = 1000;

/**
 * POST /api/v1/tasks/batch and the socket's task:create. Each item is checked on its own, as
 * the body of POST /api/v1/tasks (createTaskBodySchema), so one bad item fails alone.
 */
export const createTasksBodySchema = z
  .object({
    tasks: z
      .array(
        z
          .unknown()
          .describe(
            'A task as the body of POST /api/v1/tasks. In `dependsOn`, "#n" names the task at index n of this batch (an earlier one).',
          ),
      )
      .min(1)
      .max(MAX_BATCH_TASKS, `At most ${MAX_BATCH_TASKS} tasks in one batch: split it`),
  })
  .strict();

const itemProblem = z.object({
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const createTasksResponse = z.object({
  results: z
    .array(
      z.object({
        index: z.number().int(),
        id: z.uuid().optional(),
        status: z.enum(taskStatuses).optional().describe('pending, or scheduled for a task with runAt or delayMs'),
        error: itemProblem.optional().describe('Why this item was not created: the problem a single create would have answered'),
      }),
    )
    .describe('One per item, in order'),
  created: z.number().int(),
  failed: z.number().int(),
});

export const listTasksQuery = z.object({
  departmentId: slug.optional(),
  status: z.enum(taskStatuses).optional(),
  priority: z.enum(priorities).optional(),
  agentId: z.uuid().optional(),
  parentTaskId: z.uuid().optional(),
  scheduleId: z.uuid().optional(),
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
  .refine((v) => !!v.targetDepartmentId !== !!v.targetAgentId, {
    message: 'Give exactly one of targetDepartmentId or targetAgentId',
    path: ['targetDepartmentId'],
  });
export type CollaborationInput = z.infer<typeof collaborationSchema>;

/** GET /api/v1/tasks/{id}, for the OpenAPI document: the fields of a task that need saying (the rest as in lists). */
export const taskAttemptSchema = z.object({
  attempt: z.number().int(),
  agentId: z.uuid().nullable(),
  agentName: z.string().nullable(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
  outcome: z.enum(attemptOutcomes).nullable().describe('null while the attempt runs'),
  error: z.string().nullable(),
});

export const taskDetailResponse = z.looseObject({
  id: z.uuid(),
  status: z.enum(taskStatuses),
  reason: z
    .string()
    .nullable()
    .describe(
      'Why it ended as it did when the status says not enough: `timeout` (dead after its last attempt timed out), `dependency-failed` (cancelled because a task it depends on failed)',
    ),
  dependencyPolicy: z.enum(dependencyPolicies),
  attempts: z.number().int().describe('Attempts so far (hand-outs)'),
  attemptHistory: z.array(taskAttemptSchema).describe('Each attempt: agent, start, end, duration, outcome, error'),
  eta: z
    .object({ finishAt: z.iso.datetime(), remainingMs: z.number().int(), overrun: z.boolean() })
    .nullable()
    .describe('For an active task with an estimatedDuration: when it should finish, and whether it has run past twice the estimate'),
  waiting: z.looseObject({ reasons: z.array(z.object({ code: z.string(), detail: z.string() })) }).nullable(),
  events: z.array(z.looseObject({ type: z.string() })),
});
