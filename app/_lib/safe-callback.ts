const BASE = 'http://same-origin.invalid';

/**
 * Where to go after signing in: a path on this site, or '/'. Anything that would leave the site
 * (`//evil.com`, `https://evil.com`, `/\evil.com`, tabs or newlines hidden in either) is refused:
 * an open redirect would let a phishing link borrow the console's login page.
 */
export function safeCallbackPath(raw: string | null | undefined): string {
  if (!raw?.startsWith('/')) return '/';
  let u: URL;
  try {
    u = new URL(raw, BASE);
  } catch {
    return '/';
  }
  if (u.origin !== BASE) return '/';
  // Back to the login page would only ask again.
  if (u.pathname === '/login' || u.pathname.startsWith('/login/')) return '/';
  return `${u.pathname}${u.search}${u.hash}`;
}
