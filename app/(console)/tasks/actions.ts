'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { cancelTask, createTask, retryTask } from '@/lib/tasks/service';
import { capabilitiesSchema, createTaskSchema, requirementsSchema } from '@/lib/tasks/schemas';
import { action } from '@/app/_lib/action';
import { checkedAs, commaList, jsonField, numberField, text } from '@/app/_lib/form-fields';

const byId = z.object({ id: z.uuid() });

export const cancelTaskAction = action('tasks.cancel', byId, async ({ id }, { db, principal }) => {
  await cancelTask(db, principal, id);
  revalidatePath(`/tasks/${id}`);
  return { ok: 'Cancelled' };
});

export const retryTaskAction = action('tasks.retry', byId, async ({ id }, { db, principal }) => {
  await retryTask(db, principal, id);
  revalidatePath(`/tasks/${id}`);
  return { ok: 'Queued again' };
});

const t = createTaskSchema.shape;
const scaled = (factor: number) => numberField.transform((v) => (v === undefined ? undefined : Math.round(v * factor)));

/**
 * The New task form, field by field, each checked by the REST schema's own rule for it (so bad
 * JSON is one more field problem and the others are still reported); the form asks minutes and
 * seconds where the API takes milliseconds. The whole is then checked as POST /api/v1/tasks checks it.
 */
const taskForm = z
  .object({
    title: text.pipe(t.title),
    departmentId: text.pipe(t.departmentId),
    type: text.pipe(t.type),
    priority: text.pipe(t.priority),
    payload: jsonField.pipe(t.payload),
    maxAttempts: numberField.pipe(t.maxAttempts),
    startInMinutes: scaled(60_000).pipe(t.delayMs),
    timeoutSeconds: scaled(1000).pipe(t.timeout),
    estimatedMinutes: scaled(60_000).pipe(t.estimatedDuration),
    specialization: text.pipe(requirementsSchema.shape.specialization),
    capabilities: commaList.pipe(checkedAs(capabilitiesSchema)),
  })
  .transform((f) => ({
    title: f.title,
    departmentId: f.departmentId,
    type: f.type,
    priority: f.priority,
    payload: f.payload,
    maxAttempts: f.maxAttempts,
    delayMs: f.startInMinutes,
    timeout: f.timeoutSeconds,
    estimatedDuration: f.estimatedMinutes,
    requirements:
      f.specialization || (Array.isArray(f.capabilities) && f.capabilities.length)
        ? { specialization: f.specialization, capabilities: f.capabilities }
        : undefined,
  }))
  .pipe(checkedAs(createTaskSchema));

/** The console's create form: the same lib/ call as POST /api/v1/tasks. */
export const createTaskAction = action(
  'tasks.create',
  taskForm,
  async (input, { db, principal }) => {
    const task = await createTask(db, principal, input);
    revalidatePath('/tasks');
    return { ok: `Created ${task.title}`, data: { id: task.id } };
  },
  {
    rename: {
      delayMs: 'startInMinutes',
      timeout: 'timeoutSeconds',
      estimatedDuration: 'estimatedMinutes',
      'requirements.specialization': 'specialization',
      'requirements.capabilities': 'capabilities',
    },
  },
);
