import { EventEmitter } from 'node:events';
import { observed } from '@/db/activity';
import type { QueuedTask } from '@/db/queries/tasks';

export type LiveEvent = {
  type: 'metrics' | 'agent:update' | 'task:update' | 'resource:update' | 'alert';
  /** The department the event belongs to; null = visible to every console user. */
  scope: string | null;
  /** When set, only console users holding this permission receive the event (e.g. security alerts). */
  permission?: string;
  /** With scope null: only consoles of roles that see every department receive it. */
  organisationWide?: boolean;
  data: unknown;
};

/** Domain signals the server's loops act on (dispatch, notifications). */
export type DomainEvents = {
  /** `task`: set for a new task that can run now, so a process with no free agent for it can pass it on whole. */
  'task:ready': { departmentId: string; taskId: string; task?: QueuedTask };
  'agent:free': { agentId: string; departmentId: string };
  'task:assigned': { taskId: string; agentId: string; task: unknown };
  'task:cancelled': { taskId: string; agentId: string };
  'agent:retired': { agentId: string };
  /** The agent's secret was rotated: sockets opened with its old tokens must close. */
  'agent:credentials-ended': { agentId: string };
  /** A user's credentials (all, or one console sign-in) ended: console sockets opened with them close. */
  'user:credentials-ended': { userId: string; sessionId?: string };
  'task:revoked': { taskId: string; agentId: string; reason: string };
  'task:finished': { taskId: string; parentTaskId: string | null; status: string };
  'agent:message': { agentIds: string[]; message: unknown };
};

type Hub = { live: EventEmitter; domain: EventEmitter };

/**
 * One hub per process, on globalThis: Next's bundled route handlers and the custom server load
 * lib/ as separate module copies, and both must reach the same Socket.IO server.
 */
function hub(): Hub {
  const g = globalThis as { __ecsHub?: Hub };
  if (!g.__ecsHub) {
    const live = new EventEmitter();
    const domain = new EventEmitter();
    live.setMaxListeners(100);
    domain.setMaxListeners(100);
    g.__ecsHub = { live, domain };
  }
  return g.__ecsHub;
}

export function publishLive(event: LiveEvent): void {
  hub().live.emit('event', event);
}

export function onLive(listener: (e: LiveEvent) => void): () => void {
  hub().live.on('event', listener);
  return () => hub().live.off('event', listener);
}

/**
 * Listeners run outside any job's unheard scope (db/activity.ts): what they start (a dispatch pass,
 * a notification) is work for everyone, and its writes must wake the resting jobs.
 */
export function emitDomain<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
  observed(() => hub().domain.emit(name, payload));
}

export function onDomain<K extends keyof DomainEvents>(name: K, listener: (p: DomainEvents[K]) => void): () => void {
  hub().domain.on(name, listener);
  return () => hub().domain.off(name, listener);
}
