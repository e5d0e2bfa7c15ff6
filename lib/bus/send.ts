import type { Db } from '@/db/client';
import type { Principal } from '../permissions/rbac';
import { audit } from '../audit/log';
import { unavailable } from '../errors';
import { envelope } from './envelope';
import { resolveRecipients, resolveRecipientsCached, type Resolved } from './recipients';
import { assertMessageSize, type SendInput } from './schemas';
import { count } from '../metrics/bus-stats';
import { busTransport } from './transport';

export type SendResult = { id: string; recipients: number };

/**
 * A message from REST (sendFromSocket is the agent socket's). Answers once the message is handed
 * to the bus: addressed recipients are acknowledged (or buffered) asynchronously; `recipients`
 * counts the intended agents (direct, department) or the sockets reached now (topic, broadcast:
 * this process's sockets; other processes' subscribers get it through the Redis adapter).
 */
export async function sendMessage(db: Db, principal: Principal, input: SendInput): Promise<SendResult> {
  assertMessageSize(input.data);
  const target = resolveRecipientsCached(principal, input.to) ?? (await resolveRecipients(db, principal, input.to));
  const sent = deliver(principal, input, target, 'rest');
  // REST sends are audited; socket traffic is counted in the bus stats instead (one row per chat
  // message would make the audit chain the bottleneck and bury the rows that matter).
  await audit(db, principal, {
    action: 'message.send',
    targetType: target.kind,
    targetId:
      'agentId' in input.to
        ? input.to.agentId
        : 'departmentId' in input.to
          ? input.to.departmentId
          : 'topic' in input.to
            ? input.to.topic
            : '*',
    departmentId: 'departmentId' in target ? target.departmentId : null,
    detail: { messageId: sent.id, type: input.type, recipients: sent.recipients },
  });
  return sent;
}

/**
 * The agent socket's door: the same checks and delivery, not audited, answered without a promise when the
 * caches know the recipients (direct and topic sends on a busy bus, where every await counts).
 */
export function sendFromSocket(db: Db, principal: Principal, input: SendInput): SendResult | Promise<SendResult> {
  assertMessageSize(input.data);
  const target = resolveRecipientsCached(principal, input.to, db);
  if (target) return deliver(principal, input, target, 'socket');
  return resolveRecipients(db, principal, input.to).then((t) => deliver(principal, input, t, 'socket'));
}

function deliver(principal: Principal, input: SendInput, target: Resolved, door: 'rest' | 'socket'): SendResult {
  const transport = busTransport();
  if (!transport) throw unavailable('The message bus is not running in this process');
  const env = envelope(principal, input.type, input.data);
  const exceptAgent = principal.kind === 'agent' ? principal.id : undefined;
  let recipients: number;
  if (target.kind === 'direct' || target.kind === 'department') {
    // A department-wide message from one of its own agents is not echoed back to the sender.
    const agentIds = target.kind === 'department' && exceptAgent ? target.agentIds.filter((a) => a !== exceptAgent) : target.agentIds;
    transport.toAgents(env, agentIds);
    recipients = agentIds.length;
  } else {
    recipients = transport.toRoom(env, target.room ?? '*', exceptAgent);
  }
  count.message(target.kind, door);
  return { id: env.id, recipients };
}
