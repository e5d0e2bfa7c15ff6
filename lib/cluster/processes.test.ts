import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { beatAndReadPeers } from '@/db/queries/cluster-processes';
import { count, resetBusStats } from '@/lib/metrics/bus-stats';
import { runtimeState } from '@/lib/health';
import { getSystemStatus } from '@/lib/status/system';
import { toAgent } from '@/lib/agents/service';
import { makeAgent } from '@/test/resource-fixtures';
import { agents } from '@/db/schema/work';
import { eq } from 'drizzle-orm';
import { combineBusStats, quantileFromCounts, readBusStats } from './bus-totals';
import { beat, cachedPeers, clusterParts, freshWindowMs, leaveCluster, listClusterProcesses } from './processes';
import { selfReport, type ProcessReport } from './self';
import { self } from '../process/identity';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  resetBusStats();
  await t.db.execute(sql`delete from cluster_processes`);
});

const admin = principalOf('super-admin');

/** Another process's beat, written as that process would: its own counters in its row. */
async function peerBeats(id: string, edit: (r: ProcessReport) => void) {
  const report = structuredClone(selfReport());
  edit(report);
  await beatAndReadPeers(
    t.db,
    { id, host: 'other-host', pid: 4242, version: '9.9.9', startedAt: new Date(Date.now() - 60_000), report },
    freshWindowMs(),
  );
}

describe('cluster processes', () => {
  it('answers bus totals and sockets for every live process, with a breakdown per process', async () => {
    count.message('direct', 'rest');
    count.deliveries(2);
    count.acked(3);
    runtimeState().bus.agentsConnected = 5;
    await beat(t.db);
    await peerBeats('peer-a', (r) => {
      r.agentsConnected = 7;
      r.bus.totals.messages.topic += 4;
      r.bus.totals.messagesTotal += 4;
      r.bus.totals.deliveries += 10;
      r.bus.connections = 7;
      r.bus.rates.messagesPerSecond = 2;
      r.bus.topics = [{ name: 'builds', subscribers: 3 }];
      r.bus.latencyMs.recent = r.bus.latencyMs.recent.map(() => 0);
      r.bus.latencyMs.recent[7] = 9; // nine acks between 50 and 100 ms
      r.bus.latencyMs.count += 9;
      r.leads = ['alerts'];
    });

    const stats = await readBusStats(t.db, admin);
    expect(stats.processes.map((p) => [p.self, p.agentsConnected])).toEqual([
      [true, 5],
      [false, 7],
    ]);
    expect(stats.processes[1]).toMatchObject({ host: 'other-host', pid: 4242, version: '9.9.9', leads: ['alerts'] });
    expect(stats.totals.messagesTotal).toBe(1 + 1 + 4);
    expect(stats.totals.messages.topic).toBe(4);
    expect(stats.totals.deliveries).toBe(2 + 2 + 10);
    expect(stats.topics).toEqual([{ name: 'builds', subscribers: 3 }]);
    expect(stats.rates.messagesPerSecond).toBeGreaterThanOrEqual(2);
    // Ten recent acks: one at 3 ms here, nine at 50–100 ms there.
    expect(stats.latencyMs.count).toBe(1 + 1 + 9);
    expect(stats.latencyMs.p50).toBeGreaterThan(50);
    expect(stats.latencyMs.p99).toBeLessThanOrEqual(100);

    const status = await getSystemStatus(t.db, admin);
    expect(status.health.bus.agentsConnected).toBe(12);
    expect(status.processes?.map((p) => p.id)).toEqual([self().id, 'peer-a']);
    // A department-confined reader gets the sums but not the hosts.
    const manager = await getSystemStatus(t.db, principalOf('department-admin', ['engineering']));
    expect(manager.health.bus.agentsConnected).toBe(12);
    expect(manager.processes).toBeUndefined();
    await expect(listClusterProcesses(t.db, principalOf('department-admin', ['engineering']))).rejects.toMatchObject({ status: 403 });
  });

  it('drops a process whose row is older than three beats, and this one on leaving', async () => {
    await peerBeats('peer-gone', () => {});
    await peerBeats('peer-live', () => {});
    expect((await clusterParts(t.db)).map((p) => p.id)).toEqual([self().id, 'peer-gone', 'peer-live']);
    await t.db.execute(
      sql`update cluster_processes set seen_at = now() - make_interval(secs => ${freshWindowMs() / 1000 + 0.5}) where id = 'peer-gone'`,
    );
    expect((await clusterParts(t.db)).map((p) => p.id)).toEqual([self().id, 'peer-live']);
    expect((await beat(t.db)).map((p) => p.id)).toEqual(['peer-live']);
    expect(cachedPeers().map((p) => p.id)).toEqual(['peer-live']);
    expect(cachedPeers(Date.now() + freshWindowMs() + 1)).toEqual([]);

    await leaveCluster(t.db);
    const rows = await t.db.execute(sql`select id from cluster_processes order by id`);
    expect(JSON.stringify(rows)).not.toContain(self().id);
  });

  it('shows an agent that another live process holds as connected there, and a silent one as not', async () => {
    const fresh = await makeAgent(t.db, 'engineering');
    const silent = await makeAgent(t.db, 'engineering');
    const [a] = await t.db.update(agents).set({ lastHeartbeatAt: new Date() }).where(eq(agents.id, fresh.id)).returning();
    const [b] = await t.db
      .update(agents)
      .set({ lastHeartbeatAt: new Date(Date.now() - 120_000) })
      .where(eq(agents.id, silent.id))
      .returning();
    // Alone, an agent this process doesn't hold is connected nowhere.
    await beat(t.db);
    expect(toAgent(a)).toMatchObject({ connected: false, connection: null });
    await peerBeats('peer-holder', () => {});
    await beat(t.db);
    expect(toAgent(a)).toMatchObject({ connected: true, connection: 'other-process' });
    expect(toAgent(b)).toMatchObject({ connected: false, connection: null });
  });

  it("answers one process's own exact figures when it is alone", async () => {
    count.acked(3);
    count.acked(7);
    const stats = combineBusStats(await clusterParts(t.db));
    expect(stats.processes).toHaveLength(1);
    expect([stats.latencyMs.p50, stats.latencyMs.p99]).toEqual([7, 7]);
  });

  it('estimates a quantile inside the bucket that holds it', () => {
    expect(quantileFromCounts([0, 0, 0], 0.5)).toBeNull();
    // Bounds 0.5, 1, 2, …: four samples in (1, 2] put the median at 1.5.
    expect(quantileFromCounts([0, 0, 4], 0.5)).toBe(1.5);
    // Above the highest bound: the highest bound is the most we can say.
    expect(quantileFromCounts([...new Array(13).fill(0), 5], 0.99)).toBe(5000);
  });
});
