import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { env } from '../env';

/**
 * Request forgery guard: a webhook must not make the server call into its own network (metadata
 * services at 169.254.169.254, the database, admin ports on loopback). Only globally routable
 * unicast addresses pass; ipaddr.js knows the ranges (private, loopback, link-local, unique-local,
 * CGNAT, NAT64 and 6to4 wrappers, IPv4 inside IPv6 as ::ffff:a.b.c.d …). WEBHOOK_ALLOW_PRIVATE
 * opens them for tests and receivers on the same premises.
 */
export function isAllowedAddress(address: string): boolean {
  if (env().WEBHOOK_ALLOW_PRIVATE) return true;
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() === 'unicast';
}

export class RefusedTarget extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTarget';
  }
}

/** The host part of a URL as the resolver and the address check want it (no IPv6 brackets). */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Only http and https. */
export function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedTarget('Not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedTarget('Only http and https URLs');
  return url;
}

/**
 * Every address the host resolves to must pass: at registration, to tell the caller at once.
 * Delivery checks again (the name may point elsewhere by then) through pinnedLookup.
 */
export async function checkTarget(raw: string): Promise<URL> {
  const url = parseTarget(raw);
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host).then((a) => a.map((x) => x.address));
  const bad = addresses.find((a) => !isAllowedAddress(a));
  if (bad) throw new RefusedTarget(`${host} ${bad === host ? 'is' : `resolves to ${bad},`} a private, loopback or link-local address`);
  return url;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) =>
      err ? reject(new RefusedTarget(`${host} does not resolve (${err.code ?? err.message})`)) : resolve(addresses),
    ),
  );
}

/**
 * The connection's own resolver: it resolves once, refuses the whole name if any address is not
 * allowed, and hands the socket the very addresses it checked. The socket never resolves again,
 * so DNS rebinding (public at the check, 127.0.0.1 at connect) can't slip through.
 */
export const pinnedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => !isAllowedAddress(a.address));
    if (bad || !addresses.length) {
      return callback(
        Object.assign(
          new RefusedTarget(`${hostname} resolves to ${bad?.address ?? 'nothing'}, a private, loopback or link-local address`),
          { code: 'ERR_WEBHOOK_TARGET' },
        ),
        '',
        0,
      );
    }
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
};
