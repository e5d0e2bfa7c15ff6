import type { Envelope } from '@/lib/bus/envelope';
import { count } from '@/lib/metrics/bus-stats';

import type { Redis } from './redis';
import { log } from '@/lib/log';

/** Messages older than this are not delivered on reconnect: they are counted as expired instead. */
export const BUFFER_TTL_MS = 10 * 60_000;

/**
 * Per-agent buffer for agents that are briefly offline. Bounded: past `size`, the oldest message
 * goes and is counted (overflowDropped), so one dead agent can't eat the server's memory.
 */
export interface MessageBuffer {
  push(agentId: string, env: Envelope): Promise<void>;
  /** Takes everything buffered for the agent, oldest first; expired messages are counted and left out. */
  drain(agentId: string): Promise<Envelope[]>;
  /** Puts back messages a reconnecting agent did not acknowledge, ahead of newer ones. */
  unshift(agentId: string, envs: Envelope[]): Promise<void>;
  depth(): number;
}

function fresh(envs: Envelope[], now = Date.now()): Envelope[] {
  const keep = envs.filter((e) => now - e.sentAt <= BUFFER_TTL_MS);
  if (keep.length < envs.length) count.expired(envs.length - keep.length);
  // Messages to several agents are stashed when the last of them acks, so a list can be slightly
  // out of send order; sentAt puts it back.
  return keep.sort((a, b) => a.sentAt - b.sentAt);
}

export class MemoryBuffer implements MessageBuffer {
  private lists = new Map<string, Envelope[]>();
  private total = 0;
  constructor(private readonly size: number) {}

  async push(agentId: string, env: Envelope) {
    let list = this.lists.get(agentId);
    if (!list) this.lists.set(agentId, (list = []));
    list.push(env);
    this.total++;
    count.buffered();
    if (list.length > this.size) {
      const over = list.length - this.size;
      list.splice(0, over);
      this.total -= over;
      count.overflow(over);
      warnOverflow(agentId);
    }
  }

  async drain(agentId: string) {
    const list = this.lists.get(agentId) ?? [];
    this.lists.delete(agentId);
    this.total -= list.length;
    return fresh(list);
  }

  async unshift(agentId: string, envs: Envelope[]) {
    if (!envs.length) return;
    const list = this.lists.get(agentId) ?? [];
    this.lists.set(agentId, [...envs, ...list].slice(-this.size));
    this.total += Math.min(envs.length + list.length, this.size) - list.length;
  }

  depth() {
    return this.total;
  }
}

/**
 * The same in Redis lists, so an agent that reconnects to another process still gets its messages.
 * depth() is what this process last saw (it is a gauge for this process's stats page).
 */
export class RedisBuffer implements MessageBuffer {
  private seen = new Map<string, number>();
  constructor(
    private readonly redis: Redis,
    private readonly size: number,
    private readonly prefix: string,
  ) {}

  private key(agentId: string) {
    return `${this.prefix}buf:${agentId}`;
  }

  async push(agentId: string, env: Envelope) {
    const key = this.key(agentId);
    const [len] = (await this.redis
      .multi()
      .rPush(key, JSON.stringify(env))
      .lTrim(key, -this.size, -1)
      // A safety net for agents that never come back; the per-message TTL above is what counts.
      .pExpire(key, BUFFER_TTL_MS * 6)
      .exec()) as unknown as [number];
    count.buffered();
    if (len > this.size) {
      count.overflow(len - this.size);
      warnOverflow(agentId);
    }
    this.seen.set(agentId, Math.min(len, this.size));
  }

  async drain(agentId: string) {
    const key = this.key(agentId);
    const [items] = (await this.redis.multi().lRange(key, 0, -1).del(key).exec()) as unknown as [string[]];
    this.seen.delete(agentId);
    return fresh(items.map((s) => JSON.parse(s) as Envelope));
  }

  async unshift(agentId: string, envs: Envelope[]) {
    if (!envs.length) return;
    const key = this.key(agentId);
    await this.redis
      .multi()
      .lPush(
        key,
        [...envs].reverse().map((e) => JSON.stringify(e)),
      )
      .lTrim(key, 0, this.size - 1)
      .exec();
  }

  depth() {
    let n = 0;
    for (const v of this.seen.values()) n += v;
    return n;
  }
}

const warned = new Map<string, number>();
function warnOverflow(agentId: string) {
  const last = warned.get(agentId) ?? 0;
  if (Date.now() - last < 60_000) return;
  warned.set(agentId, Date.now());
  log().warn({ agentId }, 'bus buffer full; oldest messages dropped (counted in bus stats)');
}
