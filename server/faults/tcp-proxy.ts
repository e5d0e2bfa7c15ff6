import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type OutageMode = 'refuse' | 'blackhole';

export type TcpProxy = {
  port: number;
  /** Rewrites a postgres:// or redis:// URL to go through this proxy. */
  via: (url: string) => string;
  /** Cuts every piped connection; new ones are reset at once ('refuse') or accepted and never answered ('blackhole'). */
  cut: (mode?: OutageMode) => void;
  /** Pipes new connections to the target again. */
  restore: () => void;
  close: () => Promise<void>;
};

/**
 * A TCP proxy to a real dependency (Postgres, Redis) that a test can cut and restore: a way to
 * simulate an outage without touching the machine's shared services. 'blackhole' is the nastier
 * case, a host that stopped answering: connects succeed and then nothing arrives, so only the
 * client's own timeouts save it.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let outage: OutageMode | undefined;
  const live = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    live.add(s);
    s.once('close', () => live.delete(s));
  };

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (outage === 'refuse') return void client.resetAndDestroy();
    track(client);
    if (outage === 'blackhole') return; // held open, never answered, dropped by the next cut/restore
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const s of live) s.destroy();
    live.clear();
  };

  return {
    port,
    via: (url) => viaLocalPort(url, port),
    cut: (mode = 'refuse') => {
      outage = mode;
      dropAll();
    },
    restore: () => {
      outage = undefined;
      dropAll(); // blackholed sockets never got an upstream; let their clients retry
    },
    close: async () => {
      dropAll();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `url` with its host and port replaced by a proxy listening on 127.0.0.1:`port`. */
export function viaLocalPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
