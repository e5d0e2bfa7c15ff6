// The closed sets of values columns take (roles, statuses, priorities, policies) and the shapes of
// JSON columns: plain TypeScript, so lib/ and the console use them without reaching into the schema.

export const roles = [
  'super-admin',
  'department-admin',
  'department-coordinator',
  'auditor',
  'agent-supervisor',
  'agent',
  'readonly',
] as const;
export type Role = (typeof roles)[number];

export const agentStatuses = ['idle', 'busy', 'draining', 'offline', 'retired'] as const;
export type AgentStatus = (typeof agentStatuses)[number];

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof priorities)[number];

// 'scheduled': created with runAt or delayMs, not yet due (then 'pending').
export const taskStatuses = ['pending', 'assigned', 'running', 'completed', 'failed', 'cancelled', 'dead', 'scheduled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const dependencyPolicies = ['cancel', 'wait'] as const;
export type DependencyPolicy = (typeof dependencyPolicies)[number];
export type TaskRequirements = {
  specialization?: string;
  capabilities?: Record<string, unknown>;
  resources?: Record<string, number>;
};

export const allocationStatuses = ['active', 'released', 'preempted'] as const;
export type AllocationStatus = (typeof allocationStatuses)[number];

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];
// open and acknowledged are active: the condition still needs someone, and a rule may resolve it.
export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

export const attemptOutcomes = ['completed', 'failed', 'timed-out', 'lost', 'preempted', 'revoked'] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

export const overlapPolicies = ['skip', 'allow'] as const;
export type OverlapPolicy = (typeof overlapPolicies)[number];

export const catchUpPolicies = ['latest', 'none', 'all'] as const;
export type CatchUpPolicy = (typeof catchUpPolicies)[number];

/** The task a schedule creates at each firing (the department is the schedule's). */
export type TaskTemplate = {
  title: string;
  type: string;
  priority: Priority;
  requirements?: TaskRequirements;
  payload?: unknown;
  estimatedDuration?: number;
  timeout?: number;
  maxAttempts: number;
};

export const webhookEventTypes = [
  'task.created',
  'task.completed',
  'task.failed',
  'task.dead',
  'agent.online',
  'agent.offline',
  'alert.raised',
  'alert.resolved',
  'schedule.fired',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const webhookDeliveryStatuses = ['pending', 'delivering', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

export const securityEventSeverities = ['low', 'medium', 'high', 'critical'] as const;
export type SecurityEventSeverity = (typeof securityEventSeverities)[number];
