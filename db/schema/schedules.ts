import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { departments } from './org';
import { catchUpPolicies, overlapPolicies, type TaskTemplate } from '../vocabulary';

export const schedules = pgTable(
  'schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    task: jsonb('task').$type<TaskTemplate>().notNull(),
    overlap: text('overlap', { enum: overlapPolicies }).notNull().default('allow'),
    catchUp: text('catch_up', { enum: catchUpPolicies }).notNull().default('latest'),
    enabled: boolean('enabled').notNull().default(true),
    // The earliest firing not yet claimed; null while paused.
    nextFireAt: timestamp('next_fire_at', { withTimezone: true, precision: 6 }),
    lastFiredAt: timestamp('last_fired_at', { withTimezone: true, precision: 6 }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [
    index('schedules_due').on(t.nextFireAt).where(sql`enabled`),
    index('schedules_department_created').on(t.departmentId, t.createdAt),
  ],
);

export const scheduleFirings = pgTable(
  'schedule_firings',
  {
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    fireTime: timestamp('fire_time', { withTimezone: true, precision: 6 }).notNull(),
    taskId: uuid('task_id'),
    outcome: text('outcome', { enum: ['created', 'skipped'] }).notNull(),
    manual: boolean('manual').notNull().default(false),
    firedAt: timestamp('fired_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'schedule_firings_pk', columns: [t.scheduleId, t.fireTime] })],
);
