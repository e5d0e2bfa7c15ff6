import { sleep, type ApiClient } from '../../sim/fleet';

/**
 * A REST caller that rides out restarts: it retries (with back-off, up to 1 s apart) until a
 * server answers below 500, going round the given processes as a balancer with health checks
 * would. Creates it repeats must carry an Idempotency-Key.
 */
export function patientApi(urls: string[], token: () => string): ApiClient {
  return {
    get token() {
      return token();
    },
    call: async (method, p, body, headers = {}) => {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(`${urls[attempt % urls.length]}${p}`, {
            method,
            headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status < 500) {
            const text = await res.text();
            return { status: res.status, body: text ? JSON.parse(text) : undefined };
          }
        } catch {
          // connection refused or reset while a server is down
        }
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    },
  };
}
