import { z } from 'zod';
import { catchUpPolicies, overlapPolicies } from '@/db/vocabulary';
import { createTaskSchema } from '../tasks/schemas';
import { pageQuery } from '../paging/cursor';
import { cronProblem, isTimeZone } from './cron';

const task = createTaskSchema.shape;

/** What each firing creates: a task's create fields, less those that belong to one task only. */
export const taskTemplateSchema = z
  .object({
    title: task.title,
    type: task.type,
    priority: task.priority,
    requirements: task.requirements,
    payload: task.payload,
    estimatedDuration: task.estimatedDuration,
    timeout: task.timeout,
    maxAttempts: task.maxAttempts,
  })
  .strict();
export type TaskTemplateInput = z.infer<typeof taskTemplateSchema>;

export const cronSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((v, ctx) => {
    const problem = cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `Not a cron expression of 5 fields (or 6 with seconds): ${problem}` });
  })
  .describe('Five fields (minute hour day-of-month month day-of-week) or six with seconds first, e.g. "*/15 * * * *" or "0 */5 * * * *"');

export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'Not a known IANA time zone (e.g. Europe/Berlin, UTC)')
  .describe('IANA time zone the cron fields are read in');

const name = z.string().trim().min(1).max(100);

export const createScheduleSchema = z
  .object({
    name,
    departmentId: task.departmentId,
    cron: cronSchema,
    timezone: timezoneSchema.default('UTC'),
    task: taskTemplateSchema,
    overlap: z.enum(overlapPolicies).default('allow').describe("skip: no firing while the previous firing's task is unfinished"),
    catchUp: z
      .enum(catchUpPolicies)
      .default('latest')
      .describe('Firings missed by more than a minute (downtime): run the latest once, none, or all'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateScheduleInput = z.infer<typeof createScheduleSchema>;

export const updateScheduleSchema = z
  .object({
    name,
    cron: cronSchema,
    timezone: timezoneSchema,
    task: taskTemplateSchema,
    overlap: z.enum(overlapPolicies),
    catchUp: z.enum(catchUpPolicies),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateScheduleInput = z.infer<typeof updateScheduleSchema>;

export const listSchedulesQuery = z.object({
  departmentId: task.departmentId.optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...pageQuery,
});
export type ListSchedulesQuery = z.infer<typeof listSchedulesQuery>;

export const scheduleIdParams = z.object({ id: z.uuid() });
