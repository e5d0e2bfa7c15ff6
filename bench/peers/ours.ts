import { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, type ApiClient } from '@/sim/fleet';
import { keepAliveClient } from '../support/http-client';
import { connectAgents, registerAgents, type AgentCredentials, type BenchDepartment, type BenchFleet } from '../support/agents';
import { startBenchServer, type BenchServer } from '../support/server';
import type { QueueSystem, Settings } from './types';

const SLOTS_PER_AGENT = 4;
/** Tasks per POST /api/v1/tasks/batch, as the peers' batch calls take 1,000 jobs at a time here. */
const BATCH = 1000;

/**
 * Ours: the API + Socket.IO server (bench/support/server.ts) in its own process on a fresh database.
 * Tasks are created through `POST /api/v1/tasks`; agents connected over Socket.IO take them and
 * complete them at once, `slots / 4` agents of 4 slots each, all in one department (the analogue of
 * one queue). The backlog is created while no agent is connected, so it waits as pending tasks:
 * through `POST /api/v1/tasks/batch`, 1,000 a request like the peers' batch calls, or with
 * BENCH_PEER_OURS_BACKLOG=single one request a task (32 in flight), as before the batch route.
 *
 * `agents`: `socket` speaks the agent protocol on bare Socket.IO clients (task:assigned → the handler
 * → task:complete); `sdk` runs the same agents as AgentClient from lib/agent-sdk, as users do, which
 * acknowledges each task with task:progress and waits for that answer before the handler runs, then
 * sends task:complete. Either way the handler starting is the task's start.
 */
export function ours(
  settings: Settings,
  agentsVia: 'socket' | 'sdk' = 'socket',
  departments = Number(process.env.BENCH_PEER_DEPTS ?? 1),
): QueueSystem {
  const agents = Math.max(departments, Math.ceil(settings.slots / SLOTS_PER_AGENT));
  let server: BenchServer | undefined;
  let api: ApiClient | undefined;
  let creator: ApiClient | undefined; // kept-alive node:http, as in bench/dispatch.ts
  let depts: BenchDepartment[] = [];
  let creds: AgentCredentials[] = [];
  let fleet: BenchFleet | undefined;
  let clients: AgentClient[] = [];
  const single = process.env.BENCH_PEER_OURS_BACKLOG === 'single';
  const task = (seq: number) => ({ title: `bench ${seq}`, departmentId: depts[seq % depts.length].id, type: 'bench', payload: { seq } });
  const create = async (seq: number) => {
    const r = await creator!.call('POST', '/api/v1/tasks', task(seq));
    if (r.status !== 201) throw new Error(`POST /api/v1/tasks answered ${r.status}: ${JSON.stringify(r.body)}`);
  };
  return {
    name: agentsVia === 'sdk' ? 'ours (SDK)' : 'ours',
    setup: `ECS server process (API + Socket.IO, no page renderer), ${agents} agents × ${SLOTS_PER_AGENT} slots in ${departments} department${departments > 1 ? 's' : ''}${
      agentsVia === 'sdk'
        ? ' as AgentClient from lib/agent-sdk (task:progress acknowledged before the handler runs, then task:complete)'
        : ' on bare Socket.IO clients (task:complete straight from the hand-out)'
    }, tasks via POST /api/v1/tasks over kept-alive node:http connections (${single ? 'the backlog too, one request each, 32 in flight' : `the backlog via POST /api/v1/tasks/batch, ${BATCH} a request`})`,
    async prepare() {
      server = await startBenchServer();
      api = await apiAs(server.url, 'admin', 'bench-admin-password');
      creator = keepAliveClient(server.url, api.token);
      const all = (await api.call('GET', '/api/v1/departments')).body.items as BenchDepartment[];
      depts = all.slice(0, departments);
      for (const d of depts) await api.call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: Math.max(agents, 10) });
      creds = await registerAgents(server.url, api, depts, agents, SLOTS_PER_AGENT);
    },
    async backlog(seqs) {
      if (single) {
        let next = 0;
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (next < seqs.length) await create(seqs[next++]);
          }),
        );
        return;
      }
      for (let i = 0; i < seqs.length; i += BATCH) {
        const r = await creator!.call('POST', '/api/v1/tasks/batch', { tasks: seqs.slice(i, i + BATCH).map(task) });
        if (r.status !== 201 || r.body.failed)
          throw new Error(`POST /api/v1/tasks/batch answered ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
      }
    },
    async startWorkers(onStart) {
      if (agentsVia === 'socket') {
        fleet = await connectAgents(server!.url, creds, (task) => onStart(task.payload?.seq as number));
        return;
      }
      clients = creds.map(
        (c) =>
          new AgentClient({
            baseUrl: server!.url,
            agentId: c.agentId,
            secret: c.secret,
            reconnect: false,
            handler: async (task) => {
              onStart((task.payload as { seq?: number } | null)?.seq as number);
              return null;
            },
          }),
      );
      await Promise.all(clients.map((c) => c.start()));
    },
    add: create,
    serverPid: () => server?.proc.pid,
    async close() {
      fleet?.close();
      for (const c of clients) c.stop();
      await server?.stop();
    },
  };
}
