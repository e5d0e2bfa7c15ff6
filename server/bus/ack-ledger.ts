import type { Envelope } from '@/lib/bus/envelope';

export type Pending = { seq: number; env: Envelope; agentId: string; attempt: number; due: number };

/**
 * One connection's deliveries that await an acknowledgement, in the order they were written, which
 * is seq order (seq grows per process). `ack {seq}` settles every entry up to seq at once: one
 * WebSocket delivers in order, so an agent that saw seq n on this connection saw all before it.
 */
export class Ledger {
  private q: Pending[] = [];
  private head = 0;

  add(p: Pending): void {
    this.q.push(p);
  }

  get size(): number {
    return this.q.length - this.head;
  }

  /** Hands each entry numbered up to seq to `each`, and forgets it. */
  settle(seq: number, each: (p: Pending) => void): number {
    let n = 0;
    for (; this.head < this.q.length && this.q[this.head].seq <= seq; n++) each(this.take());
    this.compact();
    return n;
  }

  /** Hands each entry whose time is up to `each`, and forgets it. Entries were added in due order. */
  expire(now: number, each: (p: Pending) => void): void {
    while (this.head < this.q.length && this.q[this.head].due <= now) each(this.take());
    this.compact();
  }

  /** Everything still unacknowledged, oldest first (the connection closed). */
  takeAll(): Pending[] {
    const rest = this.q.slice(this.head);
    this.q = [];
    this.head = 0;
    return rest;
  }

  /** The oldest entry, its slot cleared: a connection whose queue never quite empties (the next
   * message always out before the last ack is in) must not keep what was settled long ago alive. */
  private take(): Pending {
    const p = this.q[this.head];
    this.q[this.head++] = undefined as unknown as Pending;
    return p;
  }

  private compact() {
    if (this.head === this.q.length) {
      this.q.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Every connection's ledger and one timer for all of them: instead of a timer per message, a
 * sweep every `tickMs` hands what has waited past its due time to `onExpired` (re-send or buffer).
 * The timer runs only while some connection acknowledges cumulatively.
 */
export class Ledgers {
  private all = new Map<string, Ledger>();
  private timer?: NodeJS.Timeout;
  onExpired: (p: Pending) => void = () => {};

  constructor(private readonly tickMs = 250) {}

  open(socketId: string): Ledger {
    const l = new Ledger();
    this.all.set(socketId, l);
    if (!this.timer) {
      this.timer = setInterval(this.sweep, this.tickMs);
      this.timer.unref();
    }
    return l;
  }

  get(socketId: string): Ledger | undefined {
    return this.all.get(socketId);
  }

  /** Forgets the connection and returns what it left unacknowledged. */
  close(socketId: string): Pending[] {
    const l = this.all.get(socketId);
    this.all.delete(socketId);
    if (!this.all.size) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    return l?.takeAll() ?? [];
  }

  private sweep = () => {
    const now = Date.now();
    for (const l of this.all.values()) if (l.size) l.expire(now, this.onExpired);
  };
}
