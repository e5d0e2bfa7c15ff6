import type { Namespace, Socket } from 'socket.io';
import { getDb } from '@/db/client';
import type { Principal } from '@/lib/permissions/rbac';
import type { Envelope } from '@/lib/bus/envelope';
import { authorizeTopic, invalidateMembers } from '@/lib/bus/recipients';
import { publishSchema, sendSchema, topicSchema } from '@/lib/bus/schemas';
import { sendFromSocket } from '@/lib/bus/send';
import { count, setLiveGauges } from '@/lib/metrics/bus-stats';
import { busTransport, setBusTransport } from '@/lib/bus/transport';
import { env } from '@/lib/env';
import { conflict } from '@/lib/errors';
import { runtimeState } from '@/lib/health';
import { MemoryBuffer, RedisBuffer, type MessageBuffer } from './buffer';
import { CUMULATIVE_ACKS } from '@/lib/agent-sdk/cumulative-ack';
import { Ledgers, type Ledger, type Pending } from './ack-ledger';
import { busRedis } from './redis';
import { handle } from './socket-handler';
import { log } from '@/lib/log';

/** How long a recipient has to acknowledge, and how often an unacknowledged message is re-sent. */
export const ACK_TIMEOUT_MS = 5_000;
export const RETRIES = 2;
const MAX_TOPICS_PER_SOCKET = 100;

type Ack = { agentId?: string } | undefined;

/**
 * Delivery over Socket.IO rooms: `agent:<id>` and `dept:<id>` (joined by the agents namespace) and
 * `topic:<name>`. Addressed messages (direct, department) are acknowledged: what is not acked is
 * re-sent, and an agent connected nowhere gets the message from its buffer on reconnect.
 * Topic and broadcast messages go to the room's current members only (subscriptions end with the
 * connection), without acknowledgements: that fan-out is what the bus is fast at.
 */
export function attachMessaging(nsp: Namespace): void {
  const redis = busRedis();
  const size = env().MESSAGE_BUFFER_SIZE;
  const buffer: MessageBuffer = redis ? new RedisBuffer(redis.client, size, redis.prefix) : new MemoryBuffer(size);
  const state = bus();
  state.nsp = nsp;
  state.buffer = buffer;

  // A buffer write that fails (Redis down) is a lost message: counted, never silent.
  const stash = (agentId: string, e: Envelope) =>
    void buffer.push(agentId, e).catch((err) => {
      count.lost(1);
      logError(err);
    });

  /**
   * Recipients with one connection here that acknowledges cumulatively get the message numbered,
   * in one broadcast (encoded once), and wait in their connection's ledger; the others are
   * returned, for the acknowledged broadcast.
   */
  const numbered = (e: Envelope, agentIds: string[], attempt: number): string[] => {
    let rest: string[] | undefined;
    let to: { conn: NumberedConn; agentId: string }[] | undefined;
    for (const agentId of agentIds) {
      const conn = state.numbered.get(agentId);
      if (conn) (to ??= []).push({ conn, agentId });
      else (rest ??= []).push(agentId);
    }
    if (!to) return agentIds;
    const seq = ++state.seq;
    // One recipient (a direct message): emit on its socket, skipping the adapter's broadcast.
    if (to.length === 1) to[0].conn.socket.emit('message', withSeq(e, seq));
    else nsp.local.to(to.map((r) => r.conn.socket.id)).emit('message', withSeq(e, seq));
    const due = Date.now() + ACK_TIMEOUT_MS;
    for (const r of to) r.conn.ledger.add({ seq, env: e, agentId: r.agentId, attempt, due });
    return rest ?? [];
  };

  // Not acknowledged in time, or its connection closed first: re-sent wherever the agent is now,
  // or buffered, like the per-message acknowledgements below.
  state.ledgers.onExpired = (p: Pending) => {
    if (p.attempt < RETRIES) {
      count.retry();
      toAgents(p.env, [p.agentId], p.attempt + 1);
    } else stash(p.agentId, p.env);
  };

  const toAgents = (e: Envelope, agentIds: string[], attempt = 0) => {
    if (!agentIds.length) return;
    // Agents whose buffer is being replayed on this process queue behind it, to keep order.
    let live = agentIds;
    if (state.replaying.size) {
      live = [];
      for (const a of agentIds) {
        const queued = state.replaying.get(a);
        if (queued) queued.push(e);
        else live.push(a);
      }
      if (!live.length) return;
    }
    live = numbered(e, live, attempt);
    if (!live.length) return;
    // One recipient with one socket on this process (the common case): emit on the socket itself,
    // which skips the adapter's broadcast-with-ack bookkeeping (and, with Redis, a round trip).
    if (live.length === 1) {
      const socket = soleLocalSocket(nsp, live[0]);
      if (socket) {
        socket.timeout(ACK_TIMEOUT_MS).emit('message', e, (err: Error | null) => {
          if (!err) {
            const now = Date.now();
            count.acked(now - e.sentAt);
            count.deliveries(1, now);
          } else if (attempt < RETRIES) {
            count.retry();
            toAgents(e, live, attempt + 1);
          } else stash(live[0], e);
        });
        return;
      }
    }
    nsp
      .to(live.map((a) => `agent:${a}`))
      .timeout(ACK_TIMEOUT_MS)
      .emit('message', e, (err: Error | null, responses: Ack[]) => {
        const now = Date.now();
        const acked = new Set<string>();
        for (const r of responses ?? []) if (r && typeof r.agentId === 'string') acked.add(r.agentId);
        // A single recipient that answered at all is delivered, whatever it put in its ack.
        if (live.length === 1 && (responses?.length ?? 0) > 0) acked.add(live[0]);
        for (let i = 0; i < acked.size; i++) count.acked(now - e.sentAt);
        count.deliveries(acked.size, now);
        const missing = live.filter((a) => !acked.has(a));
        if (!missing.length) return;
        if (!err) {
          // Every connected socket answered: the rest are connected nowhere. Keep it for them.
          for (const a of missing) stash(a, e);
        } else if (attempt < RETRIES) {
          count.retry();
          toAgents(e, missing, attempt + 1);
        } else {
          for (const a of missing) stash(a, e);
        }
      });
  };

  setBusTransport({
    toAgents: (e, agentIds) => toAgents(e, agentIds),
    toRoom: (e, room, exceptAgentId) => {
      const target = room === '*' ? nsp : nsp.to(room);
      const op = exceptAgentId ? target.except(`agent:${exceptAgentId}`) : target;
      op.emit('message', e);
      // This process's share; other processes' members are reached by the adapter, uncounted here.
      const members = room === '*' ? nsp.sockets.size : (nsp.adapter.rooms.get(room)?.size ?? 0);
      const reached = Math.max(0, members - senderSocketsIn(nsp, room, exceptAgentId));
      count.deliveries(reached);
      return reached;
    },
  });

  setLiveGauges({
    connections: () => nsp.sockets.size,
    bufferDepth: () => buffer.depth(),
    redis: () => runtimeState().bus.redis,
    topics: () =>
      [...nsp.adapter.rooms.entries()]
        .filter(([name]) => name.startsWith('topic:'))
        .map(([name, ids]) => ({ name: name.slice(6), subscribers: ids.size }))
        .sort((a, b) => b.subscribers - a.subscribers),
  });
}

/**
 * Called once per agent connection by the agents namespace: the messaging events, and the replay
 * of what was buffered while the agent was away, in order, before anything newer.
 */
export function registerMessaging(socket: Socket, principal: Principal): void {
  const db = getDb();
  const agentId = principal.id;
  invalidateMembers(principal.departmentIds[0]);
  socket.on('disconnect', () => invalidateMembers(principal.departmentIds[0]));

  if (socket.handshake.auth?.acks === CUMULATIVE_ACKS) acknowledgeCumulatively(socket, agentId);
  else {
    // A second connection of the agent, asking for per-message acks: the numbered shortcut no longer applies.
    numberedConnection(agentId);
    socket.on('disconnect', () => numberedConnection(agentId));
  }

  handle(socket, 'send', sendSchema, (p) => sendFromSocket(db, principal, p));
  handle(socket, 'publish', publishSchema, (p) => sendFromSocket(db, principal, { to: { topic: p.topic }, type: p.type, data: p.data }));
  handle(socket, 'subscribe', topicSchema, async ({ topic }) => {
    await authorizeTopic(db, principal, topic);
    const joined = [...socket.rooms].filter((r) => r.startsWith('topic:')).length;
    if (joined >= MAX_TOPICS_PER_SOCKET && !socket.rooms.has(`topic:${topic}`)) {
      throw conflict(`At most ${MAX_TOPICS_PER_SOCKET} topics per connection`);
    }
    await socket.join(`topic:${topic}`);
    return { topic, subscribed: true };
  });
  handle(socket, 'unsubscribe', topicSchema, async ({ topic }) => {
    await socket.leave(`topic:${topic}`);
    return { topic, subscribed: false };
  });

  void replay(socket, agentId).catch(logError);
}

/**
 * `ack {seq}` settles every numbered message of this connection up to seq. Not run through
 * handle(): it is the one event per delivery, so it parses its one number by hand, and answers
 * only when the agent asks for an answer. What is unacknowledged when the connection closes is
 * re-sent at once (to another connection of the agent, or its buffer).
 */
function acknowledgeCumulatively(socket: Socket, agentId: string) {
  const { ledgers } = bus();
  const ledger = ledgers.open(socket.id);
  numberedConnection(agentId);
  socket.on('ack', (payload: unknown, reply?: unknown) => {
    const seq = (payload as { seq?: unknown } | null)?.seq;
    const ok = typeof seq === 'number' && Number.isFinite(seq);
    if (ok) {
      const now = Date.now();
      const n = ledger.settle(seq, (p) => count.acked(now - p.env.sentAt));
      count.deliveries(n, now);
    }
    if (typeof reply === 'function') {
      reply(
        ok
          ? { ok: true, data: null }
          : { ok: false, error: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'ack needs {seq: number}' } },
      );
    }
  });
  socket.on('disconnect', () => {
    const left = ledgers.close(socket.id);
    numberedConnection(agentId);
    for (const p of left) ledgers.onExpired(p);
  });
}

async function replay(socket: Socket, agentId: string) {
  const state = bus();
  if (!state.buffer || state.replaying.has(agentId)) return;
  const queued: Envelope[] = [];
  state.replaying.set(agentId, queued);
  try {
    const all = await state.buffer.drain(agentId);
    const unacked: Envelope[] = [];
    const acks = all.map(
      (e) =>
        new Promise<void>((resolve) => {
          socket.timeout(ACK_TIMEOUT_MS).emit('message', e, (err: Error | null) => {
            if (err) unacked.push(e);
            else {
              count.acked(Date.now() - e.sentAt);
              count.deliveries(1);
              count.bufferedDelivered();
            }
            resolve();
          });
        }),
    );
    // Messages that arrived for this agent while the buffer was read go after it.
    handOver(agentId, queued);
    await Promise.all(acks);
    if (unacked.length) {
      unacked.sort((a, b) => all.indexOf(a) - all.indexOf(b));
      await state.buffer.unshift(agentId, unacked);
    }
  } finally {
    // Also when reading the buffer failed: what was held back still goes out.
    handOver(agentId, queued);
  }
}

function handOver(agentId: string, queued: Envelope[]) {
  const state = bus();
  if (state.replaying.get(agentId) !== queued) return;
  state.replaying.delete(agentId);
  if (queued.length) deliverLater(agentId, queued);
}

/** Re-enters the normal path for messages held back during a replay (emitted after the replay's, so in order). */
function deliverLater(agentId: string, envs: Envelope[]) {
  const t = busTransport();
  for (const e of envs) t?.toAgents(e, [agentId]);
}

function senderSocketsIn(nsp: Namespace, room: string, agentId?: string): number {
  if (!agentId) return 0;
  const mine = nsp.adapter.rooms.get(`agent:${agentId}`);
  if (room === '*') return mine?.size ?? 0;
  const members = nsp.adapter.rooms.get(room);
  if (!members || !mine) return 0;
  let n = 0;
  for (const id of mine) if (members.has(id)) n++;
  return n;
}

/** The envelope as a cumulatively acknowledging connection receives it (a literal: one shape, no spread). */
function withSeq(e: Envelope, seq: number) {
  return { id: e.id, from: e.from, type: e.type, data: e.data, sentAt: e.sentAt, seq };
}

/**
 * Keeps state.numbered right for one agent after its connections here changed: its connection
 * when it has exactly one here and that one acknowledges cumulatively (the delivery shortcut,
 * one map lookup per message instead of rooms), else nothing.
 */
function numberedConnection(agentId: string) {
  const state = bus();
  const socket = state.nsp && soleLocalSocket(state.nsp, agentId);
  const ledger = socket && state.ledgers.get(socket.id);
  if (ledger) state.numbered.set(agentId, { socket, ledger });
  else state.numbered.delete(agentId);
}

/** The socket of an agent connected exactly once, to this process. */
function soleLocalSocket(nsp: Namespace, agentId: string): Socket | undefined {
  const room = nsp.adapter.rooms.get(`agent:${agentId}`);
  return room?.size === 1 ? nsp.sockets.get(room.values().next().value!) : undefined;
}

/** seq numbers the messages this process writes to cumulatively acknowledging connections. */
type NumberedConn = { socket: Socket; ledger: Ledger };
type BusState = {
  nsp?: Namespace;
  buffer?: MessageBuffer;
  replaying: Map<string, Envelope[]>;
  ledgers: Ledgers;
  numbered: Map<string, NumberedConn>;
  seq: number;
};
function bus(): BusState {
  const g = globalThis as { __ecsBusState?: BusState };
  return (g.__ecsBusState ??= { replaying: new Map(), ledgers: new Ledgers(), numbered: new Map(), seq: 0 });
}

function logError(err: unknown) {
  log().error({ err }, 'bus error');
}
