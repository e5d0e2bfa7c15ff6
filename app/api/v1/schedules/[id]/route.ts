import { route } from '@/lib/http/route';
import { scheduleIdParams, updateScheduleSchema } from '@/lib/schedules/schemas';
import { deleteSchedule, getSchedule, updateSchedule } from '@/lib/schedules/service';

export const GET = route(
  { params: scheduleIdParams, summary: 'A schedule, its next fire times and its firing history' },
  ({ db, principal, params }) => getSchedule(db, principal, params.id),
);

export const PATCH = route(
  { params: scheduleIdParams, body: updateScheduleSchema, summary: 'Change, pause or resume a schedule' },
  ({ db, principal, params, body }) => updateSchedule(db, principal, params.id, body),
);

export const DELETE = route({ params: scheduleIdParams, summary: 'Delete a schedule (its tasks stay)' }, ({ db, principal, params }) =>
  deleteSchedule(db, principal, params.id),
);
