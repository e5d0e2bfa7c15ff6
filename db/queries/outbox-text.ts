/*
 * Pieces of the outbox statements (db/queries/outbox.ts): written into single-statement writes
 * that record an event and queue its webhook deliveries together.
 */

/** Matching webhooks for an event of type `type` in department `dept` (both SQL expressions). */
export function subscribersWhere(type: string, dept: string): string {
  return `w.enabled and ${type} = any(w.events) and (w.department_id is null or w.department_id = ${dept})`;
}

/** The JSON body of every delivery: Standard Webhooks' {type, timestamp, data}. */
export function bodySql(type: string, data: string): string {
  return `jsonb_build_object('type', ${type}, 'timestamp', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', ${data})`;
}
