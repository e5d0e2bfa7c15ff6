import { z } from 'zod';

// One schema per owner, shared by the REST routes and the console's server actions.
// A field left out keeps its quota; null removes it.
const rate = z.number().int().min(1).max(1_000_000);

export const departmentQuotasSchema = z
  .object({
    /** Tasks created per minute in the department, over every door. */
    tasksPerMinute: rate.nullable().optional(),
    /** Tasks waiting (pending or scheduled) at once; 0 stops new ones. */
    maxPendingTasks: z.number().int().min(0).max(10_000_000).nullable().optional(),
    /** Monthly cost of the department's held resources (units × cost per unit, USD) above which no task is created. */
    maxMonthlyCost: z.number().min(0).max(1e12).nullable().optional(),
  })
  .strict();
export type DepartmentQuotasInput = z.infer<typeof departmentQuotasSchema>;

export const tokenQuotasSchema = z
  .object({
    /** Requests per minute made with the token, over every process. */
    requestsPerMinute: rate.nullable().optional(),
  })
  .strict();
export type TokenQuotasInput = z.infer<typeof tokenQuotasSchema>;

export const quotaNames = ['tasksPerMinute', 'maxPendingTasks', 'maxMonthlyCost', 'requestsPerMinute'] as const;
export type QuotaName = (typeof quotaNames)[number];

/**
 * A console form's text field as a quota: blank removes it (null), a number sets it. The form
 * sends every field, so the action always passes all of them.
 */
export const quotaField = (v: FormDataEntryValue | null): number | null | undefined => {
  if (v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? null : Number(s);
};
