import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Principal } from '../permissions/rbac';

export type Sender = { agentId: string; departmentId: string } | { userId: string; username: string } | { system: true };

/**
 * What a recipient receives as `message`. sentAt (epoch ms, sub-millisecond and monotonic within a
 * process) lets both ends measure latency and puts replayed buffers back in send order.
 */
export type Envelope = { id: string; from: Sender; type: string; data: unknown; sentAt: number };

export function senderOf(principal: Principal): Sender {
  if (principal.kind === 'agent') return { agentId: principal.id, departmentId: principal.departmentIds[0] };
  return { userId: principal.id, username: principal.name };
}

export function envelope(principal: Principal, type: string, data: unknown): Envelope {
  return { id: randomUUID(), from: senderOf(principal), type, data: data ?? null, sentAt: performance.timeOrigin + performance.now() };
}
