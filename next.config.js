import { readFileSync } from 'node:fs';

// One list for every response: Next's pages here, the custom server's API door (server/http/api-door.ts) too.
const base = JSON.parse(readFileSync(new URL('./lib/http/security-headers.json', import.meta.url), 'utf8'));
// Pages get their Content-Security-Policy, with a nonce per request, from proxy.ts: a second,
// nonce-less policy here would block the very scripts the nonce allows.
const securityHeaders = Object.entries(base)
  .filter(([key]) => key !== 'Content-Security-Policy')
  .map(([key, value]) => ({ key, value }));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and engine packages must be loaded from node_modules, not bundled: the custom
  // server and the route handlers then share one copy of each singleton.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', '@node-rs/argon2', 'socket.io', 'prom-client', 'rate-limiter-flexible'],
  poweredByHeader: false,
  // `npm run typecheck` (tsc --noEmit over the whole tree) runs first in `npm test`; checking again here
  // would double the build time on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  experimental: {
    // Page modules load on their first request instead of all at start: an idle server (or one
    // that only serves the API) doesn't hold every console page's code.
    preloadEntriesOnStart: false,
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
