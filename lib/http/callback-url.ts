import { badRequest } from '../errors';
import { toResponse } from '../problems/answer';
import { problemAnswer } from '../problems/problem';

const CALLBACK_COOKIES = ['authjs.callback-url', '__Secure-authjs.callback-url'];

type AuthRequest = { url: string; headers: Headers };

/**
 * Auth.js answers a callbackUrl it can't parse as an http(s) URL, in the query or in its cookie,
 * with its "server configuration" page and a 500. It is the caller's input: a 400 that says so,
 * clearing a bad cookie so the browser isn't stuck with it. Foreign hosts that do parse are
 * sent home by Auth.js's redirect callback.
 */
export function refuseBadCallbackUrl(req: AuthRequest): Response | undefined {
  const url = new URL(req.url);
  const given = url.searchParams.get('callbackUrl');
  const cookies = parseCookies(req.headers.get('cookie') ?? '');
  const badCookie = CALLBACK_COOKIES.find((name) => cookies.has(name) && !isHttpUrl(cookies.get(name)!, url.origin));
  if ((given === null || isHttpUrl(given, url.origin)) && !badCookie) return undefined;
  const res = toResponse(problemAnswer(badRequest('Invalid callbackUrl: give a path on this site or an http(s) URL')));
  if (badCookie)
    res.headers.append(
      'set-cookie',
      `${badCookie}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${badCookie.startsWith('__Secure-') ? '; Secure' : ''}`,
    );
  return res;
}

/** Auth.js's own test (lib/utils/assert.js): an absolute http(s) URL, or a path on this origin. */
function isHttpUrl(url: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith('/') ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

function parseCookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const value = part.slice(eq + 1).trim();
    try {
      out.set(part.slice(0, eq).trim(), decodeURIComponent(value));
    } catch {
      out.set(part.slice(0, eq).trim(), value);
    }
  }
  return out;
}
