import { NextResponse, type NextRequest } from 'next/server';

/**
 * A fresh nonce per page: only scripts that carry it run ('strict-dynamic' lets them load Next's
 * chunks), so an injected inline script is refused even where markup slips through. Next reads
 * the nonce from the request's Content-Security-Policy header and puts it on its own scripts.
 * Styles keep 'unsafe-inline': React's style attributes need it, and styles can't run code.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const dev = process.env.NODE_ENV !== 'production';
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  // The page asked for, so a visitor sent to sign in comes back to it (app/_lib/session.ts).
  headers.set('x-ecs-path', request.nextUrl.pathname + request.nextUrl.search);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Pages only: API answers carry a fixed policy (lib/http/security-headers.json), assets none.
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
