/**
 * Signs in through the console's Auth.js credentials flow over HTTP, as the login page's browser
 * does (CSRF token, then the credentials callback), and answers the Cookie header it ends up with.
 */
export async function consoleSignIn(baseUrl: string, username: string, password: string, otp?: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () =>
    [...jar]
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, username, password, ...(otp ? { otp } : {}), callbackUrl: `${baseUrl}/` });
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: form,
    redirect: 'manual',
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.endsWith('authjs.session-token')))
    throw new Error(`console sign-in refused (${res.status} ${res.headers.get('location')})`);
  return cookie();
}

/** Signs out as the console's button does (Auth.js's sign-out endpoint); answers the status. */
export async function consoleSignOut(baseUrl: string, cookie: string): Promise<number> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/signout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken }),
    redirect: 'manual',
  });
  return res.status;
}
