import { route } from '@/lib/http/route';
import { scheduleIdParams } from '@/lib/schedules/schemas';
import { triggerSchedule } from '@/lib/schedules/service';

export const POST = route({ params: scheduleIdParams, status: 201, summary: 'Fire a schedule now' }, ({ db, principal, params }) =>
  triggerSchedule(db, principal, params.id),
);
