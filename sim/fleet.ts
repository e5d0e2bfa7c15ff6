import { AgentClient, type AgentClientOptions } from '@/lib/agent-sdk/client';

export type ApiClient = {
  // biome-ignore lint/suspicious/noExplicitAny: the JSON of any route; tests and tools read the fields they check (T narrows it)
  call: <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: T }>;
  token: string;
};

/** Logs in over REST and returns a small JSON caller bound to that token. */
export async function apiAs(url: string, username: string, password: string): Promise<ApiClient> {
  const login = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return bearerClient(url, accessToken);
}

export function bearerClient(url: string, token: string): ApiClient {
  return {
    token,
    call: async (method, path, body, headers = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

export type AgentSpec = {
  name?: string;
  departmentId: string;
  type?: string;
  specialization: string;
  capabilities?: Record<string, unknown> | string[];
  maxConcurrentTasks?: number;
  weight?: number;
  resources?: Record<string, number>;
};

/** Allocates an agent over REST and connects it with the SDK. */
export async function spawnAgent(
  url: string,
  api: ApiClient,
  spec: AgentSpec,
  handler: AgentClientOptions['handler'],
  extra: Partial<AgentClientOptions> = {},
) {
  const res = await api.call('POST', '/api/v1/agents', { type: 'worker', ...spec });
  if (res.status !== 201) throw new Error(`agent allocation failed: ${res.status} ${JSON.stringify(res.body)}`);
  const client = new AgentClient({
    baseUrl: url,
    agentId: res.body.credentials.agentId,
    secret: res.body.credentials.secret,
    handler,
    ...extra,
  });
  await client.start();
  return client;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  stepMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await sleep(stepMs);
  }
}
