import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { viaLocalPort } from '@/server/faults/tcp-proxy';

export type StatementCounts = { total: number; byText: Map<string, number> };
export type PgWireCounter = { port: number; via: (url: string) => string; take: () => StatementCounts; close: () => Promise<void> };

/**
 * A TCP proxy in front of Postgres that counts the statements clients execute, read off the wire
 * protocol: each Execute ('E', extended protocol: what postgres.js sends for every query) and each
 * simple Query ('Q'), attributed to its SQL text through the Bind/Parse that named it. BEGIN and
 * COMMIT count as the statements they are. No server setting needed (pg_stat_statements isn't loaded here).
 */
export async function startPgWireCounter(target: { host: string; port: number }): Promise<PgWireCounter> {
  let counts: StatementCounts = { total: 0, byText: new Map() };
  const sockets = new Set<net.Socket>();
  const hit = (text: string) => {
    counts.total++;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    counts.byText.set(key, (counts.byText.get(key) ?? 0) + 1);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    upstream.pipe(client);
    const statements = new Map<string, string>();
    let portalText = '';
    let started = false;
    let buf: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buf.length < 4) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          // SSLRequest / GSSENCRequest come before the real startup message.
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0]);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) return;
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        const cstr = (from: number) => {
          const end = body.indexOf(0, from);
          return [body.toString('utf8', from, end), end + 1] as const;
        };
        if (type === 'P') {
          const [name, at] = cstr(0);
          statements.set(name, cstr(at)[0]);
        } else if (type === 'B') {
          const [, at] = cstr(0);
          portalText = statements.get(cstr(at)[0]) ?? '?';
        } else if (type === 'E') hit(portalText);
        else if (type === 'Q') hit(cstr(0)[0]);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    via: (url) => viaLocalPort(url, port),
    take: () => {
      const c = counts;
      counts = { total: 0, byText: new Map() };
      return c;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
