'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { cancelTask, createTask, retryTask } from '@/lib/tasks/service';
import { createTaskSchema } from '@/lib/tasks/schemas';
import { badRequest } from '@/lib/errors';
import { zodProblems } from '@/lib/problems/problem';
import { requirePrincipal } from '@/app/_lib/session';
import { actionError, type ActionState } from '@/app/_lib/action-state';
import { formJson, formText } from '@/app/_lib/form-fields';

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

/** The console's create form: the same schema and lib/ call as POST /api/v1/tasks. */
export async function createTaskAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  try {
    const text = formText(form);
    const capabilities = text('capabilities')?.split(',').map((s) => s.trim()).filter(Boolean);
    const payload = formJson(text('payload'), 'payload');
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
    if (!parsed.success) throw badRequest('Invalid input', zodProblems(parsed.error));
    const task = await createTask(getDb(), await requirePrincipal(), parsed.data);
    revalidatePath('/tasks');
    return { ok: true, id: task.id };
  } catch (err) {
    return actionError(err);
  }
}
