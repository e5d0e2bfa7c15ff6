/** What the agent's handshake says to be sent numbered messages, acknowledged by `ack {seq}`. */
export const CUMULATIVE_ACKS = 'cumulative';

type Emitter = { connected: boolean; emit(event: 'ack', payload: { seq: number }): unknown };

const due = new Set<CumulativeAck>();
let scheduled = false;
function flushAll() {
  scheduled = false;
  for (const a of due) a.flush();
  due.clear();
}

/**
 * Acknowledges numbered messages (`message {…, seq}`) by the highest seq seen on the connection,
 * once per event-loop turn: what arrived in one read is acknowledged by one `ack {seq}`. One
 * scheduler for every connection of the process (a load generator holds hundreds).
 * Messages that come with a Socket.IO acknowledgement callback are answered through it instead.
 */
export class CumulativeAck {
  private highest = 0;
  private sent = 0;

  constructor(private readonly socket: Emitter) {}

  saw(seq: number): void {
    if (seq <= this.highest) return;
    this.highest = seq;
    due.add(this);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushAll);
    }
  }

  flush(): void {
    if (this.highest <= this.sent || !this.socket.connected) return;
    this.sent = this.highest;
    this.socket.emit('ack', { seq: this.highest });
  }

  /** A new connection numbers from wherever its server process is: nothing seen there yet. */
  reset(): void {
    this.highest = 0;
    this.sent = 0;
    due.delete(this);
  }
}
