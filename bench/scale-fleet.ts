/**
 * Agents for bench/scale.ts in their own process (one core's worth of clients: up to ~1,000 SDK
 * agents each). Real SDK agents: token over REST, socket, heartbeats, task:progress then
 * task:complete for every task. Talks to the bench over IPC:
 *   {url, agents: [{agentId, secret}]} → connects them, answers {added}
 *   {take: true} → answers {took: {received, completed, latencies}} since the last take
 *   {stop: true} → disconnects and exits
 * Latency: tasks carry payload.t (wall clock in ms with sub-ms precision, performance.timeOrigin +
 * performance.now() in the bench process); the same clock here timestamps task:assigned on arrival.
 */
import { performance } from 'node:perf_hooks';
import { AgentClient } from '@/lib/agent-sdk/client';

type Msg = { url?: string; agents?: { agentId: string; secret: string }[]; take?: boolean; stop?: boolean };

const clients: AgentClient[] = [];
let received = 0;
let latencies: number[] = [];
let completedBefore = 0;
const now = () => performance.timeOrigin + performance.now();

async function add(url: string, agents: { agentId: string; secret: string }[]) {
  for (let i = 0; i < agents.length; i += 50) {
    await Promise.all(
      agents.slice(i, i + 50).map(async (a) => {
        const c = new AgentClient({ baseUrl: url, agentId: a.agentId, secret: a.secret, handler: async () => null });
        c.socket.on('task:assigned', ({ task, redelivery }: { task: { payload: { t?: number } | null }; redelivery?: boolean }) => {
          if (redelivery) return;
          received++;
          if (typeof task.payload?.t === 'number') latencies.push(now() - task.payload.t);
        });
        await c.start();
        clients.push(c);
      }),
    );
  }
}

process.on('message', (m: Msg) => {
  if (m.agents && m.url) {
    add(m.url, m.agents).then(
      () => process.send!({ added: clients.length }),
      (err: Error) => process.send!({ error: err.message }),
    );
  } else if (m.take) {
    const completed = clients.reduce((n, c) => n + c.completed, 0);
    process.send!({ took: { received, completed: completed - completedBefore, latencies } });
    completedBefore = completed;
    received = 0;
    latencies = [];
  } else if (m.stop) {
    clients.forEach((c) => c.stop());
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
