import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

type EngineConn = { transport?: { name?: string; socket?: { _socket?: NetSocket } } };

/**
 * Frames written to one connection during one event-loop turn leave together.
 *
 * Socket.IO hands every packet to its TCP socket at once: each delivery, each acknowledgement
 * answered to a sender, is its own `writev`, and under fan-out those system calls are most of the
 * server's CPU (bench/bus.ts profile: 40–50 %). Here a WebSocket connection's TCP socket is corked
 * when Engine.IO flushes to it and uncorked after the turn's I/O callbacks (setImmediate): a burst
 * to one recipient costs two writes (Engine.IO sends the first frame, queues the rest until that
 * write completes) instead of one per frame, and in steady state one per connection per turn.
 * Nothing waits on a timer: frames leave in the loop iteration that produced them, or the next.
 * Polling transports are left alone (their writes are HTTP responses).
 */
export function coalesceWrites(io: Server): () => void {
  // A connection's first flush in a turn is written at once (a lone frame, the common case at
  // moderate load, waits for nothing); from its second on, it is corked until the turn's end.
  const flushed = new Set<NetSocket>();
  const corked = new Set<NetSocket>();
  let scheduled = false;
  const release = () => {
    scheduled = false;
    flushed.clear();
    for (const s of corked) s.uncork();
    corked.clear();
  };
  const onFlush = (conn: EngineConn) => {
    const t = conn.transport;
    if (t?.name !== 'websocket') return;
    const raw = t.socket?._socket;
    if (!raw || raw.destroyed || corked.has(raw)) return;
    if (flushed.has(raw)) {
      raw.cork();
      corked.add(raw);
    } else flushed.add(raw);
    if (!scheduled) {
      scheduled = true;
      setImmediate(release);
    }
  };
  const engine = io.engine as unknown as { on(e: 'flush', f: typeof onFlush): void; off(e: 'flush', f: typeof onFlush): void } | undefined;
  // A Server not attached to an HTTP server (yet) has no engine: nothing to coalesce.
  if (!engine) return () => {};
  engine.on('flush', onFlush);
  return () => {
    engine.off('flush', onFlush);
    release();
  };
}
