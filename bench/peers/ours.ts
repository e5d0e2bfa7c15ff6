import { apiAs, type ApiClient } from '@/server/sim/fleet';
import { keepAliveClient } from '../support/http-client';
import { connectAgents, registerAgents, type AgentCredentials, type BenchDepartment, type BenchFleet } from '../support/agents';
import { startBenchServer, type BenchServer } from '../support/server';
import type { QueueSystem, Settings } from './types';

const SLOTS_PER_AGENT = 4;

/**
 * Ours: the API + Socket.IO server (bench/support/server.ts) in its own process on a fresh database.
 * Tasks are created through `POST /api/v1/tasks`; agents connected over Socket.IO take them and
 * complete them at once, `slots / 4` agents of 4 slots each, all in one department (the analogue of
 * one queue). The backlog is created while no agent is connected, so it waits as pending tasks.
 */
export function ours(settings: Settings, departments = Number(process.env.BENCH_PEER_DEPTS ?? 1)): QueueSystem {
  const agents = Math.max(departments, Math.ceil(settings.slots / SLOTS_PER_AGENT));
  let server: BenchServer | undefined;
  let api: ApiClient | undefined;
  let creator: ApiClient | undefined; // kept-alive node:http, as in bench/dispatch.ts
  let depts: BenchDepartment[] = [];
  let creds: AgentCredentials[] = [];
  let fleet: BenchFleet | undefined;
  const create = async (seq: number) => {
    const d = depts[seq % depts.length];
    const r = await creator!.call('POST', '/api/v1/tasks', { title: `bench ${seq}`, departmentId: d.id, type: 'bench', payload: { seq } });
    if (r.status !== 201) throw new Error(`POST /api/v1/tasks answered ${r.status}: ${JSON.stringify(r.body)}`);
  };
  return {
    name: 'ours',
    setup: `ECS server process (API + Socket.IO, no page renderer), ${agents} agents × ${SLOTS_PER_AGENT} slots in ${departments} department${departments > 1 ? 's' : ''}, tasks via POST /api/v1/tasks over kept-alive node:http connections (one request each, 32 in flight for the backlog)`,
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
      // No batch call in the API: 32 requests in flight, each one task.
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < seqs.length) await create(seqs[next++]);
        }),
      );
    },
    async startWorkers(onStart) {
      fleet = await connectAgents(server!.url, creds, (task) => onStart(task.payload?.seq as number));
    },
    add: create,
    serverPid: () => server?.proc.pid,
    async close() {
      fleet?.close();
      await server?.stop();
    },
  };
}
