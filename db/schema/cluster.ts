import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Heartbeat rows of the running server processes (lib/cluster/): each process rewrites its own
 * row every few seconds with what only it counts; a row older than three intervals is a process gone.
 */
export const clusterProcesses = pgTable('cluster_processes', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, precision: 6 }).notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  report: jsonb('report').notNull(),
});
