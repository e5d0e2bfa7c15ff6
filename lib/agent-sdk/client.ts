import { io, type Socket } from 'socket.io-client';
import { CUMULATIVE_ACKS, CumulativeAck } from './cumulative-ack';

export type AssignedTask = {
  id: string;
  title: string;
  departmentId: string;
  type: string;
  priority: string;
  payload: unknown;
  requirements: Record<string, unknown>;
  parentTaskId: string | null;
  attempts: number;
};

export type TaskContext = {
  /** Reports progress (0..1) and extends the task's lease. */
  progress: (fraction: number) => Promise<void>;
  /**
   * Aborted when the server takes the task back: its timeout passed, it was cancelled, preempted or
   * reassigned. `signal.reason` is a TaskRevokedError naming why. Whatever the handler returns after
   * that is dropped: the server would refuse it.
   */
  signal: AbortSignal;
  collaborate: (req: CollaborationRequest) => Promise<unknown>;
};

export type CollaborationRequest = {
  targetDepartmentId?: string;
  targetAgentId?: string;
  request: { title: string; type?: string; priority?: string; payload?: unknown };
};

/** Throw this from a handler to fail a task without retries. */
export class PermanentTaskError extends Error {}

/** The abort reason of `ctx.signal` when the server takes a task back. */
export class TaskRevokedError extends Error {
  constructor(
    readonly taskId: string,
    /** `timeout`, `cancelled`, `preempted`, `lease expired`, … */
    readonly reason: string,
  ) {
    super(`Task ${taskId} revoked: ${reason}`);
    this.name = 'TaskRevokedError';
  }
}

/** What the server sends an agent on its socket, typed for handlers that listen themselves. */
export type AgentServerEvents = {
  'task:assigned': { task: AssignedTask; redelivery?: boolean };
  'task:revoked': { taskId: string; reason: string };
  'task:cancelled': { taskId: string };
};

export type AgentClientOptions = {
  baseUrl: string;
  /**
   * Other server processes of the same deployment, tried in turn after baseUrl: the agent moves to
   * the next one when its server drains (SIGTERM) or can't be reached, and fetches its token from
   * whichever answers.
   */
  failoverUrls?: string[];
  agentId: string;
  secret: string;
  handler: (task: AssignedTask, ctx: TaskContext) => Promise<unknown>;
  onMessage?: (msg: { id: string; from: unknown; type: string; data: unknown }) => void;
  /** Defaults to what the server announces on connect. */
  heartbeatMs?: number;
  reconnect?: boolean;
  /**
   * `socket` (default): a Socket.IO connection, tasks pushed. `poll`: for agents that can't hold a
   * socket (serverless, behind firewalls): long-polls POST /api/v1/agents/{id}/claim and reports
   * over REST. No bus messages and no failover in this mode.
   */
  transport?: 'socket' | 'poll';
  /** Poll transport: how long one claim waits for work (ms, at most 30 000; default 20 000). */
  pollWaitMs?: number;
};

type Ack = { ok: boolean; data?: unknown; error?: { status: number; detail?: string } };

/**
 * A typed agent: exchanges its secret for a token, connects to /agents, heart-beats, runs the
 * handler for each assigned task and reports the outcome; reconnects with back-off.
 */
export class AgentClient {
  readonly socket: Socket;
  private token?: string;
  private running = new Map<string, AbortController>();
  private beat?: NodeJS.Timeout;
  private seen = new Set<string>();
  private acks: CumulativeAck;
  private heartbeatMs: number;
  /** Set by `server:draining`: the coming server-side disconnect is a restart, not a dismissal. */
  private rejoinInMs?: number;
  private rejoinTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly urls: string[];
  private current = 0;
  completed = 0;
  failed = 0;

  constructor(private readonly opts: AgentClientOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 5000;
    this.urls = [opts.baseUrl, ...(opts.failoverUrls ?? [])];
    this.socket = io(`${opts.baseUrl}/agents`, {
      autoConnect: false,
      // Its own connection: io() otherwise reuses a Manager already open to the same server (say
      // the app's console socket) with that one's options, reconnection off included.
      forceNew: true,
      transports: ['websocket'],
      reconnection: opts.reconnect ?? true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 5000,
      // A fresh token for every (re)connect, so an expired one never locks the agent out.
      // Numbered messages, acknowledged by the highest number seen (lib/agent-sdk/cumulative-ack.ts).
      auth: (cb) => {
        this.fetchToken().then(
          (token) => cb({ token, acks: CUMULATIVE_ACKS }),
          () => cb({ token: '', acks: CUMULATIVE_ACKS }),
        );
      },
    });
    this.acks = new CumulativeAck(this.socket);
    this.socket.on('ready', (info: { heartbeatInterval: number }) => {
      if (!opts.heartbeatMs) this.heartbeatMs = info.heartbeatInterval;
      this.startHeartbeat();
    });
    this.socket.on('task:assigned', ({ task }: { task: AssignedTask }) => void this.run(task));
    this.socket.on('task:revoked', ({ taskId, reason }: AgentServerEvents['task:revoked']) => this.abort(taskId, reason));
    this.socket.on('task:cancelled', ({ taskId }: AgentServerEvents['task:cancelled']) => this.abort(taskId, 'cancelled'));
    // A message comes numbered (acknowledged with the next `ack {seq}`) or with a Socket.IO ack
    // (a server without cumulative acknowledgements, or a replay of the buffer), answered at once:
    // the ack names this agent so a department-wide send knows who got it. A re-sent message (its
    // ack was lost) is acknowledged again but handed to onMessage once.
    this.socket.on('message', (m: { id: string; from: unknown; type: string; data: unknown; seq?: number }, ack?: (r: unknown) => void) => {
      if (typeof ack === 'function') ack({ agentId: this.opts.agentId });
      else if (typeof m.seq === 'number') this.acks.saw(m.seq);
      if (this.seen.has(m.id)) return;
      this.seen.add(m.id);
      if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value!);
      opts.onMessage?.(m);
    });
    // A server that shuts down gracefully says so before closing the connection. Socket.IO never
    // reconnects after a server-side disconnect on its own, so the agent does: to the same URL,
    // where a restarted process (or, behind a balancer, another one) takes it back with its tasks.
    this.socket.on('server:draining', (info: { reconnectInMs?: number } | undefined) => {
      this.rejoinInMs = Math.max(0, Math.min(Number(info?.reconnectInMs) || 1000, 30_000));
      this.failover();
    });
    // Unreachable (or refused): the next attempt, Socket.IO's own back-off, goes to the next server.
    this.socket.on('connect_error', () => this.failover());
    this.socket.on('disconnect', (reason) => {
      clearInterval(this.beat);
      this.acks.reset();
      if (reason !== 'io server disconnect' || this.rejoinInMs === undefined || this.stopped) return;
      const delay = this.rejoinInMs * (0.5 + Math.random());
      this.rejoinInMs = undefined;
      this.rejoinTimer = setTimeout(() => {
        this.rejoinTimer = undefined;
        if (!this.stopped) this.socket.connect();
      }, delay);
    });
  }

  get agentId() {
    return this.opts.agentId;
  }

  /** The server this agent connects (or will reconnect) to. */
  get url() {
    return this.urls[this.current];
  }

  get activeTasks() {
    return this.running.size;
  }

  async start(): Promise<void> {
    await this.fetchToken();
    if (this.opts.transport === 'poll') {
      // The first claim answers at once and makes the agent online (polling); the loop keeps it so.
      this.take(await this.claim(0));
      void this.pollLoop();
      return;
    }
    let failures = 0;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      // Without reconnect, start() fails once every server has refused.
      const onError = (err: Error) => {
        if (!this.opts.reconnect && ++failures >= this.urls.length) {
          this.socket.off('ready', onReady);
          reject(err);
        }
      };
      this.socket.once('ready', onReady);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.rejoinTimer);
    clearInterval(this.beat);
    for (const [id, c] of this.running) c.abort(new TaskRevokedError(id, 'agent stopped'));
    this.socket.disconnect();
  }

  async emit(event: string, payload: unknown): Promise<Ack> {
    if (this.opts.transport === 'poll') return this.restEmit(event, payload);
    return (await this.socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
  }

  /** Poll transport: the agent's socket events as their REST calls, answered in the socket's Ack shape. */
  private async restEmit(event: string, payload: unknown): Promise<Ack> {
    const { taskId, ...body } = payload as { taskId?: string } & Record<string, unknown>;
    const path = REST_OF[event]?.(taskId ?? '');
    if (!path) return { ok: false, error: { status: 400, detail: `${event} needs the socket transport` } };
    const res = await this.rest('POST', path, event === 'collaborate' ? payload : body);
    const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    return res.ok
      ? { ok: true, data }
      : { ok: false, error: { status: res.status, detail: (data as { detail?: string } | undefined)?.detail } };
  }

  /** A REST call with the agent token; a 401 (token expired) fetches a new one and tries once more. */
  private async rest(method: string, path: string, body?: unknown): Promise<Response> {
    const send = () =>
      fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res = await send();
    if (res.status === 401) {
      await this.fetchToken();
      res = await send();
    }
    return res;
  }

  private async claim(waitMs: number): Promise<AssignedTask[]> {
    const res = await this.rest('POST', `/api/v1/agents/${this.opts.agentId}/claim`, { waitMs, max: 50 });
    if (!res.ok) throw new Error(`Claim refused: ${res.status}`);
    return ((await res.json()) as { tasks: AssignedTask[] }).tasks;
  }

  private take(tasks: AssignedTask[]) {
    for (const task of tasks) void this.run(task);
  }

  /** Claims back to back; each claim is also the heart-beat (the server counts an open one as alive). */
  private async pollLoop(): Promise<void> {
    const waitMs = Math.max(0, Math.min(30_000, this.opts.pollWaitMs ?? 20_000));
    let failures = 0;
    while (!this.stopped) {
      try {
        this.take(await this.claim(waitMs));
        failures = 0;
      } catch {
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** failures++)));
      }
    }
  }

  send(to: unknown, type: string, data: unknown) {
    return this.emit('send', { to, type, data });
  }

  subscribe(topic: string) {
    return this.emit('subscribe', { topic });
  }

  unsubscribe(topic: string) {
    return this.emit('unsubscribe', { topic });
  }

  publish(topic: string, data: unknown, type = 'publish') {
    return this.emit('publish', { topic, type, data });
  }

  /** From the current server, or the next that answers: every process signs with the same secret. */
  private async fetchToken(): Promise<string> {
    let unreachable: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      let res: Response;
      try {
        res = await fetch(`${this.urls[(this.current + i) % this.urls.length]}/api/v1/agents/${this.opts.agentId}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ secret: this.opts.secret }),
          // Socket.IO waits for this token before it sends the namespace handshake, with no
          // timeout of its own: a request that never answers would leave the agent away for good.
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        unreachable = err;
        continue;
      }
      if (!res.ok) throw new Error(`Agent token refused: ${res.status}`);
      this.token = ((await res.json()) as { accessToken: string }).accessToken;
      return this.token;
    }
    throw unreachable;
  }

  /** Points the next (re)connect at the next server of the list. */
  private failover() {
    if (this.urls.length < 2) return;
    this.current = (this.current + 1) % this.urls.length;
    // Socket.IO's Manager opens every attempt on its `uri`, which has no public setter.
    (this.socket.io as unknown as { uri: string }).uri = `${this.url}/agents`;
  }

  private startHeartbeat() {
    clearInterval(this.beat);
    this.beat = setInterval(() => this.socket.emit('heartbeat', { load: this.running.size }), this.heartbeatMs);
    this.beat.unref?.();
  }

  private abort(taskId: string, reason: string) {
    this.running.get(taskId)?.abort(new TaskRevokedError(taskId, reason));
    this.running.delete(taskId);
  }

  private async run(task: AssignedTask) {
    if (this.running.has(task.id)) return; // a redelivery of work already in hand
    const controller = new AbortController();
    this.running.set(task.id, controller);
    const ctx: TaskContext = {
      signal: controller.signal,
      progress: async (fraction) => {
        const ack = await this.emit('task:progress', { taskId: task.id, progress: Math.max(0, Math.min(1, fraction)) });
        // Polling hears of no revocation: a refused report is how it learns the task moved on.
        if (this.opts.transport === 'poll' && !ack.ok && (ack.error?.status === 404 || ack.error?.status === 409))
          this.abort(task.id, 'moved-on');
      },
      collaborate: async (req) => {
        const ack = await this.emit('collaborate', { taskId: task.id, fromAgentId: this.opts.agentId, ...req });
        if (!ack.ok) throw new Error(ack.error?.detail ?? 'collaboration refused');
        return ack.data;
      },
    };
    try {
      // Acknowledge before working, so "started" is recorded ahead of the outcome.
      await this.emit('task:progress', { taskId: task.id }).catch(() => undefined);
      const result = await this.opts.handler(task, ctx);
      if (controller.signal.aborted) return;
      const ack = await this.emitWithRetry('task:complete', { taskId: task.id, result: result ?? null });
      if (ack?.ok) this.completed++;
    } catch (err) {
      if (controller.signal.aborted) return;
      this.failed++;
      await this.emitWithRetry('task:fail', {
        taskId: task.id,
        error: (err as Error).message || 'failed',
        retryable: !(err instanceof PermanentTaskError),
      });
    } finally {
      // Only its own entry: after a revoke, a retry of the same task may already be running here.
      if (this.running.get(task.id) === controller) this.running.delete(task.id);
    }
  }

  /** Outcomes matter: retried across a reconnect until acknowledged (the server dedupes). */
  private async emitWithRetry(event: string, payload: unknown): Promise<Ack | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (this.opts.transport === 'poll') {
        try {
          const ack = await this.emit(event, payload);
          // A 5xx may be a restart under way: worth another try; a 4xx is the answer.
          if (ack.ok || (ack.error?.status ?? 500) < 500) return ack;
        } catch {
          // unreachable: try again
        }
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
        continue;
      }
      if (!this.socket.connected && !this.socket.active && !this.rejoinTimer) return undefined;
      try {
        if (this.socket.connected) return await this.emit(event, payload);
      } catch {
        // timed out: try again
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
    return undefined;
  }
}

/** Where each agent-side socket event goes over REST (poll transport). */
const REST_OF: Record<string, (taskId: string) => string> = {
  'task:progress': (id) => `/api/v1/tasks/${id}/progress`,
  'task:complete': (id) => `/api/v1/tasks/${id}/complete`,
  'task:fail': (id) => `/api/v1/tasks/${id}/fail`,
  collaborate: () => '/api/v1/collaborations',
};
