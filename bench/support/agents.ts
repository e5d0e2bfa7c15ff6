import { io, type Socket } from 'socket.io-client';
import type { ApiClient } from '@/sim/fleet';

export type BenchDepartment = { id: string; specializations: string[] };
export type AssignedTask = { id: string; payload: Record<string, unknown> | null };
/** The secret too, for clients that fetch their own token (the agent SDK). */
export type AgentCredentials = { agentId: string; secret: string; token: string; departmentId: string };

/** Registers `count` agents over REST (round-robin over the departments) and trades each secret for a token. */
export async function registerAgents(
  url: string,
  api: ApiClient,
  departments: BenchDepartment[],
  count: number,
  maxConcurrentTasks: number,
  onProgress?: (done: number) => void,
): Promise<AgentCredentials[]> {
  const out: AgentCredentials[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const d = departments[(i + j) % departments.length];
        const a = await api.call('POST', '/api/v1/agents', {
          departmentId: d.id,
          type: 'bench',
          specialization: d.specializations[0],
          maxConcurrentTasks,
        });
        if (a.status !== 201) throw new Error(`agent registration failed: ${a.status} ${JSON.stringify(a.body)}`);
        const res = await fetch(`${url}/api/v1/agents/${a.body.credentials.agentId}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ secret: a.body.credentials.secret }),
        });
        if (!res.ok) throw new Error(`agent token failed: ${res.status}`);
        const tok = (await res.json()) as { accessToken: string };
        return {
          agentId: a.body.credentials.agentId as string,
          secret: a.body.credentials.secret as string,
          token: tok.accessToken,
          departmentId: d.id,
        };
      }),
    );
    out.push(...batch);
    onProgress?.(out.length);
  }
  return out;
}

export type BenchFleet = {
  sockets: Socket[];
  /** Hand-outs received, and completions the server refused or never acknowledged (a stuck task shows up here). */
  stats: { assigned: number; completed: number; refused: number };
  close: () => void;
};

/**
 * Connects registered agents over Socket.IO, 25 at a time. Each heart-beats like a real agent (or the
 * watcher rightly takes its tasks away), calls onAssigned for every hand-out and completes it at once.
 */
export async function connectAgents(
  url: string,
  creds: AgentCredentials[],
  onAssigned: (task: AssignedTask) => void,
  onProgress?: (connected: number) => void,
): Promise<BenchFleet> {
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const stats = { assigned: 0, completed: 0, refused: 0 };
  const fleet = {
    sockets,
    stats,
    close: () => {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.disconnect());
    },
  };
  try {
    for (let i = 0; i < creds.length; i += 25) {
      await Promise.all(
        creds.slice(i, i + 25).map(async (c) => {
          const s = io(`${url}/agents`, { transports: ['websocket'], auth: { token: c.token } });
          sockets.push(s);
          s.on('task:assigned', ({ task }: { task: AssignedTask }) => {
            stats.assigned++;
            const receivedAt = new Date().toISOString();
            onAssigned(task);
            s.timeout(30_000).emit(
              'task:complete',
              { taskId: task.id, result: null },
              (err: Error | null, res?: { ok: boolean; error?: { detail?: string; title?: string } }) => {
                if (!err && res?.ok) return void stats.completed++;
                // Say the first few: a refused completion leaves the task held by this agent for good.
                if (stats.refused++ < 3)
                  console.error(
                    `\n[bench agents] task:complete for ${task.id} (received ${receivedAt}, refused ${new Date().toISOString()}) ${err ? 'not acknowledged in 30 s' : `refused: ${res?.error?.detail ?? res?.error?.title}`}`,
                  );
              },
            );
          });
          // Beat as the SDK does: at the interval the server announces (HEARTBEAT_INTERVAL).
          const beatMs = await new Promise<number>((resolve, reject) => {
            s.once('ready', (info: { heartbeatInterval?: number }) => resolve(info?.heartbeatInterval ?? 5000));
            s.once('connect_error', reject);
          });
          timers.push(setInterval(() => s.emit('heartbeat', {}), beatMs).unref());
        }),
      );
      onProgress?.(sockets.length);
    }
  } catch (err) {
    fleet.close();
    throw err;
  }
  return fleet;
}
