import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export type Creds = { agentId: string; secret: string };

/**
 * What the agents saw since the last take. `latencies`: create → task:assigned, ms. `cross`: the
 * same for tasks whose payload named a creating process (`p`) other than the one the agent is
 * connected to (bench/scale-dispatch.ts); they are in `latencies` too.
 */
export type Took = { received: number; completed: number; latencies: number[]; cross: number[] };

/** Agent fleets: child processes of SDK agents (bench/scale-fleet.ts), up to `perFleet` agents each. */
export class Fleets {
  private procs: { child: ChildProcess; count: number }[] = [];
  constructor(
    private perFleet: number,
    private progress: (s: string) => void = () => {},
  ) {}
  private ask<T>(child: ChildProcess, msg: object, key: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (m.error) {
          child.off('message', on);
          reject(new Error(String(m.error)));
          return;
        }
        if (!(key in m)) return;
        child.off('message', on);
        resolve(m[key] as T);
      };
      child.on('message', on);
      child.send(msg);
    });
  }
  private async spawn() {
    const child = fork(path.join(import.meta.dirname, '../scale-fleet.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (c) => reject(new Error(`fleet exited ${c}`)));
    });
    const f = { child, count: 0 };
    this.procs.push(f);
    return f;
  }
  get size() {
    return this.procs.reduce((n, f) => n + f.count, 0);
  }
  /** Connects the agents to the server at `url`; `server` numbers that server for cross-process latencies. */
  async add(url: string, agents: Creds[], server = 0) {
    while (agents.length) {
      const f = this.procs.find((p) => p.count < this.perFleet) ?? (await this.spawn());
      const batch = agents.slice(0, this.perFleet - f.count);
      agents = agents.slice(batch.length);
      // In slices, so the progress line moves.
      for (let i = 0; i < batch.length; i += 100) {
        await this.ask(f.child, { url, server, agents: batch.slice(i, i + 100) }, 'added');
        f.count += Math.min(100, batch.length - i);
        this.progress(`agents connected ${this.size}`);
      }
    }
  }
  async take(): Promise<Took> {
    const all = await Promise.all(this.procs.map((f) => this.ask<Took>(f.child, { take: true }, 'took')));
    return {
      received: all.reduce((n, t) => n + t.received, 0),
      completed: all.reduce((n, t) => n + t.completed, 0),
      latencies: all.flatMap((t) => t.latencies),
      cross: all.flatMap((t) => t.cross),
    };
  }
  async stop() {
    await Promise.all(
      this.procs.map(
        (f) =>
          new Promise((r) => {
            f.child.once('exit', r);
            f.child.send({ stop: true });
          }),
      ),
    );
    this.procs = [];
  }
}
