'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { createScheduleSchema } from '@/lib/schedules/schemas';
import { createSchedule, deleteSchedule, triggerSchedule, updateSchedule } from '@/lib/schedules/service';
import { badRequest } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { requirePrincipal } from '@/app/_lib/session';
import { actionError, type ActionState } from '@/app/_lib/action-state';
import { formJson, formText } from '@/app/_lib/form-fields';

const id = z.uuid();

/** The console's create form: the same schema and lib/ call as POST /api/v1/schedules. */
export async function createScheduleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  try {
    const text = formText(form);
    const payload = formJson(text('payload'), 'task.payload');
    const parsed = createScheduleSchema.safeParse({
      name: text('name'),
      departmentId: text('departmentId'),
      cron: text('cron'),
      timezone: text('timezone'),
      overlap: text('overlap'),
      catchUp: text('catchUp'),
      enabled: form.get('paused') !== 'on',
      task: { title: text('title'), type: text('type'), priority: text('priority'), payload },
    });
    if (!parsed.success) throw badRequest('Check the highlighted fields', fieldProblems(parsed.error));
    const made = await createSchedule(getDb(), await requirePrincipal(), parsed.data);
    revalidatePath('/schedules');
    return { ok: true, id: made.id };
  } catch (err) {
    return actionError(err);
  }
}

export async function setScheduleEnabledAction(scheduleId: string, enabled: boolean): Promise<ActionState> {
  try {
    await updateSchedule(getDb(), await requirePrincipal(), id.parse(scheduleId), { enabled });
    revalidatePath('/schedules');
    revalidatePath(`/schedules/${scheduleId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

export async function triggerScheduleAction(scheduleId: string): Promise<ActionState> {
  try {
    const fired = await triggerSchedule(getDb(), await requirePrincipal(), id.parse(scheduleId));
    revalidatePath(`/schedules/${scheduleId}`);
    return { ok: true, id: fired.task.id };
  } catch (err) {
    return actionError(err);
  }
}

export async function deleteScheduleAction(scheduleId: string): Promise<ActionState> {
  try {
    await deleteSchedule(getDb(), await requirePrincipal(), id.parse(scheduleId));
    revalidatePath('/schedules');
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}
