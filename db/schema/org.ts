import { sql } from 'drizzle-orm';
import { doublePrecision, integer, pgTable, primaryKey, real, text, timestamp, index } from 'drizzle-orm/pg-core';

export const departments = pgTable('departments', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  specializations: text('specializations').array().notNull().default(sql`'{}'::text[]`),
  capabilities: text('capabilities').array().notNull().default(sql`'{}'::text[]`),
  resourceTypes: text('resource_types').array().notNull().default(sql`'{}'::text[]`),
  maxAgents: integer('max_agents').notNull(),
  status: text('status', { enum: ['active', 'inactive'] })
    .notNull()
    .default('active'),
  loadBalancingStrategy: text('load_balancing_strategy', {
    enum: ['round-robin', 'least-connections', 'weighted', 'capability-match'],
  })
    .notNull()
    .default('round-robin'),
  // Departments whose agents may send tasks and messages here.
  collaboratesWith: text('collaborates_with').array().notNull().default(sql`'{}'::text[]`),
  // Set while archived: history kept, no new agents or tasks (a trigger refuses them, migration
  // 0010), not counted toward MAX_DEPARTMENTS.
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  // Quotas (lib/quotas), null: none. The two caps are enforced by the tasks insert trigger of
  // migration 0012; the rate by lib/quotas/tasks.ts.
  quotaTasksPerMinute: integer('quota_tasks_per_minute'),
  quotaMaxPendingTasks: integer('quota_max_pending_tasks'),
  quotaMaxMonthlyCost: doublePrecision('quota_max_monthly_cost'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const resourceKinds = pgTable('resource_kinds', {
  type: text('type').primaryKey(),
  unit: text('unit').notNull(),
  costPerUnit: real('cost_per_unit').notNull(),
  total: integer('total').notNull(),
});

/** One pool per department and kind. `capacity` = guaranteed + what is borrowed from the reserve. */
export const resourcePools = pgTable(
  'resource_pools',
  {
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    type: text('type')
      .notNull()
      .references(() => resourceKinds.type),
    guaranteed: integer('guaranteed').notNull(),
    maximum: integer('maximum').notNull(),
    capacity: integer('capacity').notNull(),
    allocated: integer('allocated').notNull().default(0),
    overThresholdSince: timestamp('over_threshold_since', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.type] })],
);

export const resourceChanges = pgTable(
  'resource_changes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    departmentId: text('department_id').notNull(),
    type: text('type').notNull(),
    capacityBefore: integer('capacity_before').notNull(),
    capacityAfter: integer('capacity_after').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('resource_changes_dept_at').on(t.departmentId, t.at)],
);
