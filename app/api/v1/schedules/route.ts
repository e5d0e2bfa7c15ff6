import { route } from '@/lib/http/route';
import { createScheduleSchema } from '@/lib/schedules/schemas';
import { createSchedule } from '@/lib/schedules/service';
import { scheduleTable, scheduleTableQuery } from '@/lib/schedules/table';

export const GET = route({ query: scheduleTableQuery, summary: 'List schedules' }, ({ db, principal, query }) =>
  scheduleTable(db, principal, query),
);

export const POST = route(
  { body: createScheduleSchema, status: 201, idempotent: true, summary: 'Create a schedule (cron)' },
  ({ db, principal, body }) => createSchedule(db, principal, body),
);
