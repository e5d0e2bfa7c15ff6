import type { Db } from '@/db/client';
import { beatAndReadPeers, readLiveProcesses, removeProcess, type ProcessRow } from '@/db/queries/cluster-processes';
import { authorize, isGlobal, type Principal } from '../permissions/rbac';
import { env } from '../env';
import { forbidden } from '../errors';
import { runtimeState } from '../health';
import { selfReport, type ProcessReport } from './self';
import { self } from '../process/identity';

/** One process of the cluster as the others see it: its row, with this process's own figures fresh. */
export type ClusterPart = Omit<ProcessRow, 'report'> & { self: boolean; report: ProcessReport };

export const beatIntervalMs = (): number => env().CLUSTER_HEARTBEAT_INTERVAL;
/** A process whose row is older than three beats is gone (killed, cut off, or stopped without a word). */
export const freshWindowMs = (): number => 3 * beatIntervalMs();

type Cache = { peers: ClusterPart[]; at: number };
const cache = (): Cache => ((globalThis as { __ecsClusterPeers?: Cache }).__ecsClusterPeers ??= { peers: [], at: 0 });

function selfPart(report: ProcessReport, now: number): ClusterPart {
  const me = self();
  return {
    id: me.id,
    host: me.host,
    pid: me.pid,
    version: runtimeState().version,
    startedAt: me.startedAt,
    seenAt: new Date(now),
    self: true,
    report,
  };
}

const peerPart = (r: ProcessRow): ClusterPart => ({ ...r, self: false, report: r.report as ProcessReport });

/**
 * The beat: one statement writes this process's counters and reads the others', which stay in
 * memory for readers that can't wait for the database (the live tiles pushed every 2 s).
 */
export async function beat(db: Db, now = Date.now()): Promise<ClusterPart[]> {
  const me = selfPart(selfReport({ resetLoopDelay: true, now }), now);
  const peers = (await beatAndReadPeers(db, { ...me }, freshWindowMs())).map(peerPart);
  Object.assign(cache(), { peers, at: now });
  return peers;
}

/** Every live process, this one first with its figures as of now; the others as of their last beat. */
export async function clusterParts(db: Db, now = Date.now()): Promise<ClusterPart[]> {
  const me = selfPart(selfReport({ now }), now);
  const rows = await readLiveProcesses(db, freshWindowMs());
  return [me, ...rows.filter((r) => r.id !== me.id).map(peerPart)];
}

/** The other processes as of this process's last beat; none once that is older than the stale window. */
export function cachedPeers(now = Date.now()): ClusterPart[] {
  const c = cache();
  return now - c.at < freshWindowMs() ? c.peers : [];
}

/** On shutdown: leave the cluster now rather than after the stale window. */
export async function leaveCluster(db: Db): Promise<void> {
  cache().peers = [];
  await removeProcess(db, self().id);
}

/** The per-process table of the console and the status answer. */
export type ProcessView = Pick<
  ProcessReport,
  'agentsConnected' | 'consolesConnected' | 'eventLoopDelayP99Ms' | 'rssBytes' | 'heapUsedBytes' | 'leads'
> & {
  id: string;
  host: string;
  pid: number;
  version: string;
  self: boolean;
  startedAt: string;
  uptimeSeconds: number;
  lastSeenSecondsAgo: number;
  redis: 'off' | 'up' | 'down';
  busMessagesTotal: number;
  busMessagesPerSecond: number;
};

export function processView(p: ClusterPart, now = Date.now()): ProcessView {
  const r = p.report;
  return {
    id: p.id,
    host: p.host,
    pid: p.pid,
    version: p.version,
    self: p.self,
    startedAt: p.startedAt.toISOString(),
    uptimeSeconds: Math.max(0, Math.round((now - p.startedAt.getTime()) / 1000)),
    lastSeenSecondsAgo: Math.max(0, Math.round((now - p.seenAt.getTime()) / 100) / 10),
    agentsConnected: r.agentsConnected,
    consolesConnected: r.consolesConnected,
    eventLoopDelayP99Ms: r.eventLoopDelayP99Ms,
    rssBytes: r.rssBytes,
    heapUsedBytes: r.heapUsedBytes,
    leads: r.leads,
    redis: r.bus.redis,
    busMessagesTotal: r.bus.totals.messagesTotal,
    busMessagesPerSecond: r.bus.rates.messagesPerSecond,
  };
}

/** The console's cluster view: every live process. Hosts, pids and job placement are the operator's, so org-wide roles only. */
export async function listClusterProcesses(db: Db, principal: Principal): Promise<ProcessView[]> {
  authorize(principal, 'metrics:read');
  if (!isGlobal(principal)) throw forbidden('The cluster view covers every department: organisation-wide roles only');
  const now = Date.now();
  return (await clusterParts(db, now)).map((p) => processView(p, now));
}
