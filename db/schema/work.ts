import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { departments } from './org';
import { schedules } from './schedules';
import {
  agentStatuses,
  alertSeverities,
  alertStatuses,
  allocationStatuses,
  attemptOutcomes,
  dependencyPolicies,
  priorities,
  taskStatuses,
  type TaskRequirements,
} from '../vocabulary';

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    name: text('name').notNull(),
    type: text('type').notNull(),
    specialization: text('specialization').notNull(),
    capabilities: jsonb('capabilities').$type<Record<string, unknown>>().notNull().default({}),
    resources: jsonb('resources').$type<Record<string, number>>().notNull().default({}),
    maxConcurrentTasks: integer('max_concurrent_tasks').notNull().default(1),
    weight: real('weight').notNull().default(1),
    status: text('status', { enum: agentStatuses }).notNull().default('offline'),
    secretHash: text('secret_hash').notNull(),
    // Agent tokens carry this; rotating the secret bumps it, so tokens of the old secret stop working.
    credentialVersion: integer('credential_version').notNull().default(1),
    activeTasks: integer('active_tasks').notNull().default(0),
    completedCount: integer('completed_count').notNull().default(0),
    failedCount: integer('failed_count').notNull().default(0),
    totalDurationMs: bigint('total_duration_ms', { mode: 'number' }).notNull().default(0),
    // The last 100 run times, enough for a p95 without a join.
    recentDurationsMs: integer('recent_durations_ms').array().notNull().default(sql`'{}'::int[]`),
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }),
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true, precision: 6 }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  // Status stays out of every index: a hand-out and a completion each update the agent's row
  // (slot count, often idle <-> busy), and with no indexed column changed that update is heap-only
  // in the room fillfactor 50 leaves on its page (migration 0004): no index entries, no index bloat.
  (t) => [index('agents_department').on(t.departmentId)],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id),
    type: text('type').notNull(),
    priority: text('priority', { enum: priorities }).notNull(),
    // 0 = critical … 3 = low, so one index orders the queue.
    priorityRank: smallint('priority_rank').notNull(),
    status: text('status', { enum: taskStatuses }).notNull().default('pending'),
    requirements: jsonb('requirements').$type<TaskRequirements>().notNull().default({}),
    payload: jsonb('payload'),
    result: jsonb('result'),
    error: text('error'),
    progress: real('progress').notNull().default(0),
    assignedAgentId: uuid('assigned_agent_id').references(() => agents.id),
    targetAgentId: uuid('target_agent_id').references(() => agents.id),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    timeoutMs: integer('timeout_ms'),
    estimatedDurationMs: integer('estimated_duration_ms'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    dependsOn: uuid('depends_on').array().notNull().default(sql`'{}'::uuid[]`),
    // What a failed or cancelled dependency does to this task: 'cancel' it too, or 'wait' for a retry.
    dependencyPolicy: text('dependency_policy', { enum: dependencyPolicies }).notNull().default('cancel'),
    // Why the task ended as it did, in one word (timeout, dependency-failed); null when it says nothing more.
    statusReason: text('status_reason'),
    parentTaskId: uuid('parent_task_id'),
    createdBy: text('created_by'),
    // The client's Idempotency-Key, unique per creator: a create retried after a crash or a lost
    // answer finds the task it already made, in the same commit that made it.
    idempotencyKey: text('idempotency_key'),
    // The schedule whose firing created it (migration 0009); null once that schedule is deleted.
    scheduleId: uuid('schedule_id').references((): AnyPgColumn => schedules.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    assignedAt: timestamp('assigned_at', { withTimezone: true, precision: 6 }),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 6 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 6 }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('tasks_queue').on(t.departmentId, t.priorityRank, t.createdAt).where(sql`status = 'pending'`),
    index('tasks_status_created').on(t.status, t.createdAt),
    index('tasks_agent').on(t.assignedAgentId).where(sql`status in ('assigned','running')`),
    index('tasks_lease').on(t.leaseExpiresAt).where(sql`status in ('assigned','running')`),
    // Partial: most tasks have no parent, and every insert and status change paid for an entry.
    index('tasks_parent').on(t.parentTaskId).where(sql`parent_task_id is not null`),
    index('tasks_department_created').on(t.departmentId, t.createdAt),
    index('tasks_depends_on').using('gin', t.dependsOn).where(sql`cardinality(depends_on) > 0`),
    uniqueIndex('tasks_idempotency').on(t.createdBy, t.idempotencyKey).where(sql`idempotency_key is not null`),
    index('tasks_scheduled_due').on(t.availableAt).where(sql`status = 'scheduled'`),
    index('tasks_schedule').on(t.scheduleId, t.createdAt).where(sql`schedule_id is not null`),
  ],
);

export const taskEvents = pgTable(
  'task_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    type: text('type').notNull(),
    agentId: uuid('agent_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('task_events_task').on(t.taskId, t.id)],
);

/** One row per hand-out of a task (opened by a trigger, see migration 0008); closed with its outcome. */
export const taskAttempts = pgTable(
  'task_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    agentId: uuid('agent_id'),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true, precision: 6 }),
    outcome: text('outcome', { enum: attemptOutcomes }),
    error: text('error'),
  },
  (t) => [index('task_attempts_task').on(t.taskId, t.attempt), uniqueIndex('task_attempts_open').on(t.taskId).where(sql`ended_at is null`)],
);

export const allocations = pgTable(
  'allocations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id),
    taskId: uuid('task_id').references(() => tasks.id),
    departmentId: text('department_id').notNull(),
    resources: jsonb('resources').$type<Record<string, number>>().notNull(),
    priority: text('priority', { enum: priorities }).notNull(),
    status: text('status', { enum: allocationStatuses }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [
    index('allocations_active_dept').on(t.departmentId).where(sql`status = 'active'`),
    index('allocations_agent').on(t.agentId).where(sql`status = 'active'`),
    index('allocations_task').on(t.taskId).where(sql`status = 'active'`),
  ],
);

export const metricSamples = pgTable(
  'metric_samples',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    name: text('name').notNull(),
    departmentId: text('department_id'),
    value: doublePrecision('value').notNull(),
  },
  (t) => [index('metric_samples_name_at').on(t.name, t.at)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    severity: text('severity', { enum: alertSeverities }).notNull(),
    departmentId: text('department_id'),
    message: text('message').notNull(),
    status: text('status', { enum: alertStatuses }).notNull().default('open'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('alerts_status').on(t.status, t.createdAt),
    // Once-only alerts (the 80% monthly-cost warning): one row per rule key, ever.
    uniqueIndex('alerts_quota_once').on(sql`(${t.detail}->>'ruleKey')`).where(sql`${t.kind} = 'quota_cost'`),
  ],
);
