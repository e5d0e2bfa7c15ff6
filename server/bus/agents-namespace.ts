import type { Namespace, Server } from 'socket.io';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { runtimeState } from '@/lib/health';
import { onDomain } from '@/lib/live';
import { presence } from '@/lib/presence/presence';
import { heartbeatSchema } from '@/lib/agents/schemas';
import { dispatchDepartment, offerFromPeer } from '@/lib/dispatch/dispatcher';
import type { QueuedTask } from '@/db/queries/tasks';
import { agentComplete, agentFail, agentProgress } from '@/lib/tasks/agent-actions';
import { createCollaboration } from '@/lib/tasks/collaboration';
import { collaborationSchema, completeSchema, failSchema, progressSchema } from '@/lib/tasks/schemas';
import { toTask } from '@/lib/tasks/service';
import { agentBeat, agentLost, agentOnline } from '@/lib/agents/connection';
import { heldTasks, requesterOf } from '@/lib/lifecycle/lifecycle';
import { agentHandshake, connectionLimit, type SocketData } from './handshake';
import { handle } from './socket-handler';
import { log } from '@/lib/log';
import { attachMessaging, registerMessaging } from './messaging';
import { coalesceWrites } from './coalesce-writes';
import { releaseFlushedPackets } from './release-flushed-packets';
import { busRedis } from './redis';

/** How long a connection's hand-back stops the same assignment's own send (it follows within ms). */
const HANDED_BACK_MS = 10_000;

export type AgentsNamespace = { nsp: Namespace; drain: () => Promise<void>; lose: (agentId: string, reason: string) => Promise<void> };

const taskRef = z.object({ taskId: z.uuid() });
// Built once, not per connection: a zod object schema is ~2 KiB of heap, more once its parser is
// compiled on first use, and every connected agent would carry its own four (bench:scale).
const beatPayload = heartbeatSchema.optional();
const progressPayload = progressSchema.extend(taskRef.shape);
const completePayload = completeSchema.extend(taskRef.shape);
const failPayload = failSchema.extend(taskRef.shape);

export function registerAgentsNamespace(io: Server): AgentsNamespace {
  const nsp = io.of('/agents');
  const graceTimers = new Map<string, NodeJS.Timeout>();
  // A task assigned while an agent's connection is being set up would reach it twice: once in the
  // hand-back of what it holds, once as the assignment's own send, in either order. Each side
  // notes what it sent (task and attempt) so the other skips it, within this process.
  const sentWhileJoining = new Map<string, Set<string>>();
  const handedBack = new Map<string, Set<string>>();
  const sendKey = (t: { id: string; attempts: number }) => `${t.id}:${t.attempts}`;
  // A dropped connection keeps its tasks this long, so a brief reconnect doesn't lose them.
  const graceMs = () => env().HEARTBEAT_INTERVAL * 3;
  let draining = false;
  nsp.use(connectionLimit);
  nsp.use(agentHandshake);
  attachMessaging(nsp);
  // Engine-wide (every namespace's connections): under fan-out, system calls are the cost that counts.
  const uncoalesce = coalesceWrites(io);
  // Also engine-wide: flushed packet arrays must not keep finished work alive in the old generation.
  const unrelease = releaseFlushedPackets(io);

  nsp.on('connection', (socket) => {
    const { principal } = socket.data as SocketData;
    const agentId = principal.id;
    const departmentId = principal.departmentIds[0];
    const db = getDb();
    socket.join([`agent:${agentId}`, `dept:${departmentId}`]);
    clearTimeout(graceTimers.get(agentId));
    graceTimers.delete(agentId);

    // Whatever an agent sends shows it alive: an agent busy completing tasks, its heart-beat timer
    // late behind them, could otherwise be declared lost and its tasks taken back mid-work.
    socket.onAny(() => presence().beat(agentId));
    handle(socket, 'heartbeat', beatPayload, async (p) => {
      await agentBeat(db, agentId, p?.load);
      return { serverTime: Date.now() };
    });
    handle(socket, 'task:progress', progressPayload, (p) => agentProgress(db, principal, p.taskId, p.progress));
    handle(socket, 'task:complete', completePayload, (p) => agentComplete(db, principal, p.taskId, p.result));
    handle(socket, 'task:fail', failPayload, (p) => agentFail(db, principal, p.taskId, p.error, p.retryable));
    handle(socket, 'collaborate', collaborationSchema, (p) => createCollaboration(db, principal, p));
    registerMessaging(socket, principal);

    socket.on('disconnect', () => {
      runtimeState().bus.agentsConnected = nsp.sockets.size;
      if (!presence().disconnect(agentId) || draining) return;
      graceTimers.set(
        agentId,
        setTimeout(() => {
          graceTimers.delete(agentId);
          if (!presence().has(agentId)) void agentLost(db, agentId, 'agent disconnected').catch(logError);
        }, graceMs()),
      );
    });

    const sent = new Set<string>();
    sentWhileJoining.set(agentId, sent);
    void (async () => {
      let held: Awaited<ReturnType<typeof heldTasks>> = [];
      try {
        const row = await agentOnline(db, agentId);
        if (!row) return void socket.disconnect(true);
        runtimeState().bus.agentsConnected = nsp.sockets.size;
        held = await heldTasks(db, agentId);
      } finally {
        if (sentWhileJoining.get(agentId) === sent) sentWhileJoining.delete(agentId);
      }
      // After a reconnect, hand back what the agent still holds (it may have missed the first send).
      const back = new Set<string>();
      for (const t of held) {
        if (sent.has(sendKey(t))) continue;
        back.add(sendKey(t));
        socket.emit('task:assigned', { task: toTask(t), redelivery: true });
      }
      if (back.size) {
        handedBack.set(agentId, back);
        setTimeout(() => handedBack.get(agentId) === back && handedBack.delete(agentId), HANDED_BACK_MS).unref();
      }
      socket.emit('ready', { agentId, departmentId, heartbeatInterval: env().HEARTBEAT_INTERVAL });
      await dispatchDepartment(db, departmentId);
    })().catch(logError);
  });

  // Work another process could not place (its agents busy or elsewhere) is offered here at once,
  // not at the next 1 s sweep: a task created on one process reaches a free agent on another.
  const nudge = shareReadyWork(nsp);

  const unsubscribe = [
    onDomain('task:assigned', ({ agentId, task }) => {
      const key = sendKey(task as { id: string; attempts: number });
      if (handedBack.get(agentId)?.delete(key)) return;
      sentWhileJoining.get(agentId)?.add(key);
      const room = `agent:${agentId}`;
      // Hand-outs go to agents present on this process: with the agent's socket here, the emit
      // stays here, instead of a Redis publish every other process decodes to find no one (one per
      // task; bench/scale-dispatch.ts). An agent with no socket here gets it wherever it is.
      const to = nsp.adapter.rooms.get(room)?.size ? nsp.local.to(room) : nsp.to(room);
      to.emit('task:assigned', { task: toTask(task as Parameters<typeof toTask>[0]) });
    }),
    onDomain('task:revoked', ({ agentId, taskId, reason }) => nsp.to(`agent:${agentId}`).emit('task:revoked', { taskId, reason })),
    onDomain('task:cancelled', ({ agentId, taskId }) => nsp.to(`agent:${agentId}`).emit('task:cancelled', { taskId })),
    onDomain('agent:free', ({ departmentId }) => void dispatchDepartment(getDb(), departmentId, { onlyIfQueued: true }).catch(logError)),
    onDomain('task:ready', ({ departmentId, task }) => {
      void dispatchDepartment(getDb(), departmentId).catch(logError);
      nudge?.(departmentId, task);
    }),
    onDomain('agent:retired', ({ agentId }) => nsp.in(`agent:${agentId}`).disconnectSockets(true)),
    // Through the Redis adapter this reaches the agent's sockets on every process; it reconnects
    // with a token got from its new secret, or not at all.
    onDomain('agent:credentials-ended', ({ agentId }) => nsp.in(`agent:${agentId}`).disconnectSockets(true)),
    onDomain('agent:message', ({ agentIds, message }) => {
      if (agentIds.length) nsp.to(agentIds.map((a) => `agent:${a}`)).emit('message', message);
    }),
    onDomain('task:finished', ({ taskId, parentTaskId, status }) => {
      if (parentTaskId) void notifyRequester(taskId, parentTaskId, status).catch(logError);
    }),
  ];

  async function notifyRequester(taskId: string, parentTaskId: string, status: string) {
    const requester = await requesterOf(getDb(), parentTaskId);
    if (requester) {
      nsp
        .to(`agent:${requester}`)
        .emit('message', { id: taskId, from: { system: true }, type: 'collaboration:finished', data: { taskId, parentTaskId, status } });
    }
  }

  return {
    nsp,
    lose: async (agentId, reason) => {
      nsp.in(`agent:${agentId}`).disconnectSockets(true);
      clearTimeout(graceTimers.get(agentId));
      graceTimers.delete(agentId);
      await agentLost(getDb(), agentId, reason);
    },
    drain: async () => {
      draining = true;
      unsubscribe.forEach((u) => u());
      nsp.removeAllListeners(READY_EVENT);
      uncoalesce();
      unrelease();
      for (const t of graceTimers.values()) clearTimeout(t);
      // Agents reconnect (to this process after a restart, or to another one); their tasks stay leased.
      // This process's agents only: through the Redis adapter a plain emit and disconnectSockets
      // reach every process, and draining one process disconnected the whole fleet.
      nsp.local.emit('server:draining', { reconnectInMs: 1000 });
      nsp.local.disconnectSockets(true);
    },
  };
}

const READY_EVENT = 'dispatch:ready';
/** `tasks` empty: read the queue (some of the work came without its task). */
type Ready = { departmentId: string; tasks: QueuedTask[] };

/**
 * With Redis: tells the other processes which departments got ready work, one message per event-loop
 * turn whatever the number of tasks, and takes what they announce. Each process hands out to the
 * agents connected to it only (lib/dispatch/dispatcher.ts), so without this a task created where no
 * agent of its department is free waited for another process's 1 s sweep. New tasks travel whole,
 * so a process with a free agent hands them out in one statement without reading the queue.
 */
function shareReadyWork(nsp: Namespace): ((departmentId: string, task?: QueuedTask) => void) | undefined {
  if (!busRedis()) return undefined;
  nsp.on(READY_EVENT, (ready: unknown) => {
    if (!Array.isArray(ready)) return;
    for (const r of ready as Ready[]) {
      if (typeof r?.departmentId !== 'string' || !Array.isArray(r.tasks)) continue;
      void offerFromPeer(getDb(), r.departmentId, r.tasks).catch(logError);
    }
  });
  // Per department: the new tasks, or null once any signal came without its task (a retry, a
  // dependency done): then the receiver reads the queue.
  let pending: Map<string, QueuedTask[] | null> | undefined;
  return (departmentId, task) => {
    if (!pending) {
      pending = new Map();
      setImmediate(() => {
        const out: Ready[] = [...pending!].map(([d, tasks]) => ({ departmentId: d, tasks: tasks ?? [] }));
        pending = undefined;
        nsp.serverSideEmit(READY_EVENT, out);
      });
    }
    const tasks = pending.get(departmentId);
    if (!task || tasks === null) pending.set(departmentId, null);
    else if (tasks) tasks.push(task);
    else pending.set(departmentId, [task]);
  };
}

function logError(err: unknown) {
  log().error({ err }, 'agents namespace error');
}
