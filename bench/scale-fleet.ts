/**
 * Agents for bench/scale.ts in their own process (one core's worth of clients: up to ~1,000 SDK
 * agents each). Real SDK agents: token over REST, socket, heartbeats, task:progress then
 * task:complete for every task. Talks to the bench over IPC:
 *   {url, server?, agents: [{agentId, secret}]} → connects them, answers {added}
 *   {take: true} → answers {took: {received, completed, latencies, cross}} since the last take
 *   {stop: true} → disconnects and exits
 * Latency: tasks carry payload.t (wall clock in ms with sub-ms precision, performance.timeOrigin +
 * performance.now() in the bench process); the same clock here timestamps task:assigned on arrival.
 * A task whose payload.p (the server process it was created on) differs from the agent's `server`
 * counts in `cross` too: created on one process, handed to an agent connected to another.
 */
import { performance } from 'node:perf_hooks';
import { AgentClient } from '@/lib/agent-sdk/client';

type Msg = { url?: string; server?: number; agents?: { agentId: string; secret: string }[]; take?: boolean; stop?: boolean };

const clients: AgentClient[] = [];
let received = 0;
let latencies: number[] = [];
let cross: number[] = [];
let completedBefore = 0;
const now = () => performance.timeOrigin + performance.now();

async function add(url: string, server: number, agents: { agentId: string; secret: string }[]) {
  for (let i = 0; i < agents.length; i += 50) {
    await Promise.all(
      agents.slice(i, i + 50).map(async (a) => {
        const c = new AgentClient({ baseUrl: url, agentId: a.agentId, secret: a.secret, handler: async () => null });
        c.socket.on(
          'task:assigned',
          ({ task, redelivery }: { task: { payload: { t?: number; p?: number } | null }; redelivery?: boolean }) => {
            if (redelivery) return;
            received++;
            if (typeof task.payload?.t !== 'number') return;
            const ms = now() - task.payload.t;
            latencies.push(ms);
            if (typeof task.payload.p === 'number' && task.payload.p !== server) cross.push(ms);
          },
        );
        await c.start();
        clients.push(c);
      }),
    );
  }
}

process.on('message', (m: Msg) => {
  if (m.agents && m.url) {
    add(m.url, m.server ?? 0, m.agents).then(
      () => process.send!({ added: clients.length }),
      (err: Error) => process.send!({ error: err.message }),
    );
  } else if (m.take) {
    const completed = clients.reduce((n, c) => n + c.completed, 0);
    process.send!({ took: { received, completed: completed - completedBefore, latencies, cross } });
    completedBefore = completed;
    received = 0;
    latencies = [];
    cross = [];
  } else if (m.stop) {
    clients.forEach((c) => c.stop());
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
