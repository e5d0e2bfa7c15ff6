import type { Db } from '../client';
import { runText } from '../raw';

const LEASES = `select extract(epoch from least(
    (select min(lease_expires_at) from tasks where status in ('assigned', 'running')),
    (select min(assigned_at + timeout_ms * interval '1 millisecond') from tasks where status in ('assigned', 'running') and timeout_ms is not null)
  )) * 1000 as at`;

const STARTS = `select extract(epoch from least(
    (select min(available_at) from tasks where status = 'scheduled'),
    (select min(next_fire_at) from schedules where enabled)
  )) * 1000 as at`;

const epochMs = (rows: { at: unknown }[]) => (rows[0]?.at == null ? null : Number(rows[0].at));

/** When the next lease runs out or attempt overruns its timeout (epoch ms), null with none running. */
export async function nextLeaseDeadline(db: Db): Promise<number | null> {
  return epochMs(await runText<{ at: unknown }>(db, LEASES, []));
}

/** When the next delayed task comes due or schedule fires (epoch ms), null with none waiting. */
export async function nextStartDeadline(db: Db): Promise<number | null> {
  return epochMs(await runText<{ at: unknown }>(db, STARTS, []));
}
