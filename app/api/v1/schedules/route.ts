import { route } from '@/lib/http/route';
import { createScheduleSchema, listSchedulesQuery } from '@/lib/schedules/schemas';
import { createSchedule, listSchedules } from '@/lib/schedules/service';

export const GET = route({ query: listSchedulesQuery, summary: 'List schedules' }, ({ db, principal, query }) =>
  listSchedules(db, principal, query),
);

export const POST = route(
  { body: createScheduleSchema, status: 201, idempotent: true, summary: 'Create a schedule (cron)' },
  ({ db, principal, body }) => createSchedule(db, principal, body),
);
