import type { Candidate } from './profile';

/**
 * One connected agent. A class, so every entry has one hidden class: built by spreading the
 * profile, entries took several, and the per-create scan of a department's entries (draining,
 * slots) became a megamorphic lookup that profiled at 60+ µs a call under load instead of ~2.
 */
export class PresenceEntry implements Candidate {
  id: string;
  departmentId: string;
  // Set by refresh(), which the constructor calls.
  specialization!: string;
  capabilities!: Record<string, unknown>;
  activeTasks!: number;
  maxConcurrentTasks!: number;
  weight!: number;
  score!: number;
  draining = false;
  load: number | undefined = undefined;
  connections = 1;
  /** Pulls its work over REST (POST /api/v1/agents/{id}/claim) instead of, or besides, a socket. */
  polling = false;
  /** Long polls of this agent open right now: it is waiting on us, so it is not silent. */
  waitingPolls = 0;
  lastBeat!: number;
  lastLeaseRenewal: number;

  constructor(p: Candidate, now: number) {
    this.id = p.id;
    this.departmentId = p.departmentId;
    this.lastLeaseRenewal = now;
    this.refresh(p, now);
  }

  /** A new connection of the same agent: its profile as the database has it now. */
  refresh(p: Candidate, now: number): void {
    this.specialization = p.specialization;
    this.capabilities = p.capabilities;
    this.activeTasks = p.activeTasks;
    this.maxConcurrentTasks = p.maxConcurrentTasks;
    this.weight = p.weight;
    this.score = p.score;
    this.lastBeat = now;
  }
}

/**
 * Which agents are connected to this process, with what they can do and how loaded they are.
 * Heartbeats only touch this memory (a row write per beat is what saturates peers' databases);
 * Postgres hears about state changes. Kept on globalThis so REST handlers see the same map.
 */
export class PresenceRegistry {
  private agents = new Map<string, PresenceEntry>();
  // Entries, not ids: every create walks its department's list (a Set of ids plus a Map lookup
  // per agent showed in profiles). Connects and removals are rare next to that.
  private byDept = new Map<string, PresenceEntry[]>();

  /** A socket connection, or with `polling` a claim from an agent that pulls (it holds no connection). */
  connect(profile: Candidate, now = Date.now(), opts: { polling?: boolean } = {}): PresenceEntry {
    const existing = this.agents.get(profile.id);
    if (existing) {
      existing.refresh(profile, now);
      if (opts.polling) existing.polling = true;
      else existing.connections++;
      return existing;
    }
    const entry = new PresenceEntry(profile, now);
    if (opts.polling) {
      entry.connections = 0;
      entry.polling = true;
    }
    this.agents.set(profile.id, entry);
    const list = this.byDept.get(profile.departmentId);
    if (list) list.push(entry);
    else this.byDept.set(profile.departmentId, [entry]);
    return entry;
  }

  /** Returns true when the agent's last connection went away. */
  disconnect(agentId: string): boolean {
    const e = this.agents.get(agentId);
    if (!e) return false;
    e.connections--;
    // An agent that also polls stays present until its polls stop (the heart-beat watcher).
    if (e.connections > 0 || e.polling) return false;
    this.remove(agentId);
    return true;
  }

  remove(agentId: string): void {
    const e = this.agents.get(agentId);
    if (!e) return;
    this.agents.delete(agentId);
    const list = this.byDept.get(e.departmentId);
    if (list)
      this.byDept.set(
        e.departmentId,
        list.filter((x) => x !== e),
      );
  }

  beat(agentId: string, load?: number, now = Date.now()): PresenceEntry | undefined {
    const e = this.agents.get(agentId);
    if (e) {
      e.lastBeat = now;
      if (load !== undefined) e.load = load;
    }
    return e;
  }

  get(agentId: string): PresenceEntry | undefined {
    return this.agents.get(agentId);
  }

  has(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  /** Connected, not draining, with a free slot. */
  available(departmentId: string): PresenceEntry[] {
    const list = this.byDept.get(departmentId);
    if (!list) return [];
    const out: PresenceEntry[] = [];
    for (const e of list) if (!e.draining && e.activeTasks < e.maxConcurrentTasks) out.push(e);
    return out;
  }

  departmentsWithFreeAgents(): string[] {
    return [...this.byDept.keys()].filter((d) => this.available(d).length > 0);
  }

  /** Connected agents this process won't give work to: draining, or every slot taken. */
  takingNoWork(): PresenceEntry[] {
    return [...this.agents.values()].filter((e) => e.draining || e.activeTasks >= e.maxConcurrentTasks);
  }

  silentSince(cutoff: number): PresenceEntry[] {
    return [...this.agents.values()].filter((e) => e.lastBeat < cutoff && e.waitingPolls === 0);
  }

  /** Still silent right now: the watcher's list was read before it lost the agents on it one by one. */
  isSilent(agentId: string, cutoff: number): boolean {
    const e = this.agents.get(agentId);
    return !!e && e.lastBeat < cutoff && e.waitingPolls === 0;
  }

  all(): PresenceEntry[] {
    return [...this.agents.values()];
  }

  get size(): number {
    return this.agents.size;
  }
}

export function presence(): PresenceRegistry {
  const g = globalThis as { __ecsPresence?: PresenceRegistry };
  return (g.__ecsPresence ??= new PresenceRegistry());
}
