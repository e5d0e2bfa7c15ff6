'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { cancelTask, createTask, retryTask } from '@/lib/tasks/service';
import { createTaskSchema } from '@/lib/tasks/schemas';
import { AppError, badRequest, type FieldProblem } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { requirePrincipal } from '@/app/_lib/session';
import { actionError, type ActionState } from '@/app/_lib/action-state';
import { formJson, formText, formValues, messagesByField } from '@/app/_lib/form-fields';

const id = z.uuid();

export async function cancelTaskAction(taskId: string): Promise<ActionState> {
  try {
    await cancelTask(getDb(), await requirePrincipal(), id.parse(taskId));
    revalidatePath(`/tasks/${taskId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

export async function retryTaskAction(taskId: string): Promise<ActionState> {
  try {
    await retryTask(getDb(), await requirePrincipal(), id.parse(taskId));
    revalidatePath(`/tasks/${taskId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

const TASK_FIELDS = [
  'title',
  'departmentId',
  'type',
  'priority',
  'maxAttempts',
  'startInMinutes',
  'timeoutSeconds',
  'estimatedMinutes',
  'specialization',
  'capabilities',
  'payload',
] as const;
// Schema paths whose form field has another name (the form asks minutes and seconds, the API milliseconds).
const FIELD_OF_PATH = {
  delayMs: 'startInMinutes',
  timeout: 'timeoutSeconds',
  estimatedDuration: 'estimatedMinutes',
  'requirements.specialization': 'specialization',
  'requirements.capabilities': 'capabilities',
};

/** The console's create form: the same schema and lib/ call as POST /api/v1/tasks. A refused form comes back with what was typed. */
export async function createTaskAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, TASK_FIELDS);
  try {
    const text = formText(form);
    const capabilities = text('capabilities')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // Bad JSON is one more field problem: the other fields are still checked and reported with it.
    let jsonProblem: AppError | undefined;
    let payload: unknown;
    try {
      payload = formJson(text('payload'), 'payload');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      jsonProblem = err;
    }
    const parsed = createTaskSchema.safeParse({
      title: text('title'),
      departmentId: text('departmentId'),
      type: text('type'),
      priority: text('priority'),
      payload,
      maxAttempts: text('maxAttempts') ? Number(text('maxAttempts')) : undefined,
      delayMs: text('startInMinutes') ? Math.round(Number(text('startInMinutes')) * 60_000) : undefined,
      // The form asks seconds and minutes; the API takes milliseconds.
      timeout: text('timeoutSeconds') ? Math.round(Number(text('timeoutSeconds')) * 1000) : undefined,
      estimatedDuration: text('estimatedMinutes') ? Math.round(Number(text('estimatedMinutes')) * 60_000) : undefined,
      requirements: text('specialization') || capabilities?.length ? { specialization: text('specialization'), capabilities } : undefined,
    });
    const problems = [
      ...((jsonProblem?.extra.errors as FieldProblem[] | undefined) ?? []),
      ...(parsed.success ? [] : fieldProblems(parsed.error)),
    ];
    if (problems.length || !parsed.success) throw badRequest('Check the highlighted fields', problems);
    const task = await createTask(getDb(), await requirePrincipal(), parsed.data);
    revalidatePath('/tasks');
    return { ok: true, id: task.id };
  } catch (err) {
    const state = await actionError(err);
    return { ...state, values, fields: messagesByField(state.errors, FIELD_OF_PATH) };
  }
}
