import type { Server } from 'node:http';

/**
 * Resolves once the server listens, and rejects when it can't (EADDRINUSE, EACCES): without an
 * 'error' listener the failure surfaces as an uncaught exception, which Next's handlers log and
 * swallow, leaving a process that runs its loops but serves nothing. A supervisor must see it exit.
 */
export function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
