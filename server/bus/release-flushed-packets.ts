import type { Server } from 'socket.io';

type Engine = { on(e: 'flush' | 'drain', f: (...a: never[]) => void): void; off(e: 'flush' | 'drain', f: (...a: never[]) => void): void };

/**
 * Empties each packet array Engine.IO has handed to a connection's transport, once it is written.
 *
 * Engine.IO queues a connection's packets in an array and, at each flush, writes them and starts a
 * new array. A connection that hears from the server about once a second (an agent getting its
 * tasks) keeps that new, empty array long enough for V8 to move it to the old generation; the next
 * packet goes into it, and once flushed the array is garbage but sits in the old generation until a
 * full collection. Until then every minor collection treats what the dead array points to (the
 * packet, its encoded frame, the task it carried, and what those point to) as alive and promotes
 * it: the server's old generation filled with finished tasks and major collections came every few
 * seconds, under the dispatch bench's slowest hand-outs (bench/dispatch-notes.md). An emptied array
 * points to nothing. Engine.IO's transports are done with the array when `send` returns (they encode
 * synchronously); the server emits 'drain' right after.
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
