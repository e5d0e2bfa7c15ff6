import type { Socket as NetSocket } from 'node:net';
import type { Namespace, Server } from 'socket.io';

type EngineConn = { transport?: { name?: string; socket?: { _socket?: NetSocket } } };
type Broadcasts = { broadcast: (...a: unknown[]) => unknown; broadcastWithAck: (...a: unknown[]) => unknown };

/**
 * Frames leave in fewer system calls, without holding back a lone frame.
 *
 * Socket.IO hands every packet to its TCP socket at once: each delivery, each acknowledgement
 * answered to a sender, is its own `writev`, and under fan-out those system calls are most of the
 * server's CPU (bench/bus.ts profile: 40–50 %). Two cases are merged here:
 * - Room broadcasts (fan-out): from a broadcast's second connection on, a connection's TCP socket
 *   is corked until the turn's I/O callbacks are done (setImmediate), so what the turn's
 *   broadcasts write to one connection leaves in one system call.
 * - A flush of several packets to one connection (Engine.IO queues what comes while a write is in
 *   flight): corked for that flush only, released on the next tick.
 * A single frame to a connection (a direct message, the answer to a sender) is written at once:
 * holding it until the end of a long turn made every stall count twice (bench/bus.ts, direct
 * messages: the coalescing server's p99 several times the plain one's). Polling transports are
 * left alone (their writes are HTTP responses).
 */
export function coalesceWrites(io: Server): () => void {
  const corked = new Set<NetSocket>();
  let scheduled = false;
  let broadcasting = 0;
  let reached = 0;
  const release = () => {
    scheduled = false;
    for (const s of corked) s.uncork();
    corked.clear();
  };
  const onFlush = (conn: EngineConn, packets?: unknown[]) => {
    const t = conn.transport;
    if (t?.name !== 'websocket') return;
    const raw = t.socket?._socket;
    if (!raw || raw.destroyed || corked.has(raw)) return;
    if (broadcasting && ++reached > 1) {
      raw.cork();
      corked.add(raw);
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
    } else if (packets && packets.length > 1) {
      raw.cork();
      process.nextTick(() => raw.uncork());
    }
  };

  // Marks the adapter's broadcasts of every namespace (those made later too), so a flush knows it belongs to one.
  const restore: (() => void)[] = [];
  const mark = (nsp: Namespace) => {
    const adapter = nsp.adapter as unknown as Broadcasts;
    for (const m of ['broadcast', 'broadcastWithAck'] as const) {
      const orig = adapter[m];
      adapter[m] = function (this: unknown, ...a: unknown[]) {
        broadcasting++;
        reached = 0;
        try {
          return orig.apply(this, a);
        } finally {
          broadcasting--;
        }
      };
      restore.push(() => (adapter[m] = orig));
    }
  };
  const nsps = (io as unknown as { _nsps: Map<string, Namespace> })._nsps;
  for (const nsp of nsps.values()) mark(nsp);
  io.on('new_namespace', mark);

  const engine = io.engine as unknown as { on(e: 'flush', f: typeof onFlush): void; off(e: 'flush', f: typeof onFlush): void } | undefined;
  // A Server not attached to an HTTP server (yet) has no engine: nothing to coalesce.
  if (!engine) return () => {};
  engine.on('flush', onFlush);
  return () => {
    engine.off('flush', onFlush);
    io.off('new_namespace', mark);
    for (const r of restore) r();
    release();
  };
}
