/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  {
    key: 'Content-Security-Policy',
    // Next injects inline bootstrap scripts, so 'unsafe-inline' stays until nonces are wired.
    value:
      "default-src 'self'; script-src 'self' 'unsafe-inline'" +
      (process.env.NODE_ENV === 'production' ? '' : " 'unsafe-eval'") +
      "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
  },
];

const nextConfig = {
  // Native and engine packages must be loaded from node_modules, not bundled: the custom
  // server and the route handlers then share one copy of each singleton.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', '@node-rs/argon2', 'socket.io', 'prom-client'],
  poweredByHeader: false,
  // `npm run typecheck` (tsc --noEmit over the whole tree) runs first in `npm test`; checking again here
  // would double the build time on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
