import type { Server } from 'socket.io';

type Engine = { on(e: 'flush' | 'drain', f: (...a: never[]) => void): void; off(e: 'flush' | 'drain', f: (...a: never[]) => void): void };

/**
 * Empties each packet array Engine.IO has flushed to a connection. On a quiet connection the
 * array lives long enough to reach V8's old generation; what a dead old array still points to
 * (packets, frames, finished tasks) is then promoted at every minor collection until a full one.
 * The transports encode synchronously, so the array is done with by the 'drain' that follows.
 * Measurements: bench/notes/dispatch.md.
 */
export function releaseFlushedPackets(io: Server): () => void {
  const engine = io.engine as unknown as Engine | undefined;
  // A Server not attached to an HTTP server (yet) has no engine.
  if (!engine) return () => {};
  let flushed: unknown[] | undefined;
  const onFlush = (_conn: unknown, packets: unknown[]) => {
    flushed = packets;
  };
  const onDrain = () => {
    if (flushed) flushed.length = 0;
    flushed = undefined;
  };
  engine.on('flush', onFlush);
  engine.on('drain', onDrain);
  return () => {
    engine.off('flush', onFlush);
    engine.off('drain', onDrain);
  };
}
