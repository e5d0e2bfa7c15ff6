import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Ports nothing listens on now, from the kernel (held together, so they differ), for test servers
 * that must come back on the same port after they are killed. A random pick from a fixed range
 * once landed on MariaDB's 3306.
 */
export async function freePorts(n: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = createServer();
      held.push(s);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}
