'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { createScheduleSchema } from '@/lib/schedules/schemas';
import { createSchedule, deleteSchedule, triggerSchedule, updateSchedule } from '@/lib/schedules/service';
import { action } from '@/app/_lib/action';
import { checkbox, checkedAs, jsonField, text } from '@/app/_lib/form-fields';

const byId = z.object({ id: z.uuid() });

const scheduleForm = z
  .object({
    name: text,
    departmentId: text,
    cron: text,
    timezone: text,
    overlap: text,
    catchUp: text,
    paused: checkbox,
    title: text,
    type: text,
    priority: text,
    payload: jsonField,
  })
  .transform(({ paused, title, type, priority, payload, ...rest }) => ({
    ...rest,
    enabled: !paused,
    task: { title, type, priority, payload },
  }))
  .pipe(checkedAs(createScheduleSchema));

/** The console's create form: the same schema and lib/ call as POST /api/v1/schedules. */
export const createScheduleAction = action(
  'schedules.create',
  scheduleForm,
  async (input, { db, principal }) => {
    const made = await createSchedule(db, principal, input);
    revalidatePath('/schedules');
    return { ok: `Created ${made.name}`, data: { id: made.id } };
  },
  // The task template's fields sit on the form beside the schedule's own.
  { rename: { 'task.title': 'title', 'task.type': 'type', 'task.priority': 'priority', 'task.payload': 'payload' } },
);

export const setScheduleEnabledAction = action(
  'schedules.enable',
  z.object({ id: z.uuid(), enabled: checkbox }),
  async ({ id, enabled }, { db, principal }) => {
    await updateSchedule(db, principal, id, { enabled });
    revalidatePath('/schedules');
    revalidatePath(`/schedules/${id}`);
    return { ok: enabled ? 'Resumed' : 'Paused' };
  },
);

export const triggerScheduleAction = action('schedules.trigger', byId, async ({ id }, { db, principal }) => {
  const fired = await triggerSchedule(db, principal, id);
  revalidatePath(`/schedules/${id}`);
  return { ok: 'Fired', data: { id: fired.task.id } };
});

/** Deletes, then leaves the schedule's page for the list (the tasks it created stay). */
export const deleteScheduleAction = action('schedules.delete', byId, async ({ id }, { db, principal }) => {
  await deleteSchedule(db, principal, id);
  revalidatePath('/schedules');
  redirect('/schedules');
});
