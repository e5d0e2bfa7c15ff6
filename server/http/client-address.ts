import { BlockList, isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { env } from '@/lib/env';

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) is 10.0.0.5. */
function plain(addr: string): string {
  const a = addr.trim();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

const built = new WeakMap<string[], BlockList>();
function blockList(entries: string[]): BlockList {
  let list = built.get(entries);
  if (list) return list;
  list = new BlockList();
  built.set(entries, list);
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

function trusts(list: BlockList, addr: string): boolean {
  const family = isIP(addr);
  return family !== 0 && list.check(addr, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy (TRUST_PROXY), in
 * which case X-Forwarded-For is read from the right, past every trusted proxy, to the first
 * address a trusted proxy saw. Entries left of that were written by the client and may be forged.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: string[] | undefined,
): string | undefined {
  const peer = socketAddress ? plain(socketAddress) : undefined;
  if (!peer || !trusted?.length) return peer;
  const list = blockList(trusted);
  if (!trusts(list, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map(plain).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    // A hop that is no address at all ends the chain: what a trusted proxy wrote is always one.
    if (!isIP(hops[i])) break;
    client = hops[i];
    if (!trusts(list, client)) break;
  }
  return client;
}

/** The address of the client behind an HTTP request or WebSocket upgrade, per TRUST_PROXY. */
export function requestClientAddress(socketAddress: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  return clientAddress(socketAddress, headers['x-forwarded-for'], env().TRUST_PROXY);
}
