/** Seeded generators of hostile input: the same seed gives the same inputs, so a failure can be replayed. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
export type Rng = ReturnType<typeof rng>;

const strings = [
  '',
  ' ',
  'a',
  'engineering',
  'marketing',
  'critical',
  'compute',
  'admin',
  "' OR '1'='1' --",
  "'; DROP TABLE tasks; --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile input on purpose, as typed, never a template
  '${process.exit()}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\uFFFF\uD800',
  'ꝏ𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 مرحبا',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '00000000-0000-4000-8000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '__proto__',
  'constructor',
  'a'.repeat(5000),
  'x'.repeat(300_000),
];
const numbers = [0, -0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 31) - 1, 42, 1000, 100000];
const fieldNames = [
  'title',
  'departmentId',
  'type',
  'priority',
  'requirements',
  'specialization',
  'capabilities',
  'resources',
  'payload',
  'maxAttempts',
  'dependsOn',
  'parentTaskId',
  'targetAgentId',
  'timeout',
  'estimatedDuration',
  'name',
  'maxAgents',
  'maxConcurrentTasks',
  'weight',
  'agentId',
  'taskId',
  'username',
  'password',
  'otp',
  'role',
  'departmentIds',
  'disabled',
  'to',
  'data',
  'topic',
  'broadcast',
  'mode',
  'request',
  'targetDepartmentId',
  'secret',
  'refreshToken',
  'result',
  'error',
  'retryable',
  'progress',
  'waitMs',
  'compute',
  'storage',
  'guaranteed',
  'maximum',
  'expiresAt',
  'permissions',
  'id',
  'status',
  'description',
  'loadBalancingStrategy',
  'collaboratesWith',
  'draining',
  '__proto__',
  'constructor',
];

export function value(r: Rng, depth = 0): unknown {
  const k = r.int(depth > 3 ? 4 : 8);
  switch (k) {
    case 0:
      return r.pick(strings);
    case 1:
      return r.pick(numbers);
    case 2:
      return r.next() < 0.5;
    case 3:
      return null;
    case 4:
      return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    case 5:
      return object(r, depth + 1);
    case 6:
      return r.pick(['critical', 'high', 'medium', 'low', 'pending', 'running', 'all', 'one', 'round-robin', 'super-admin', 'readonly']);
    default:
      return deep(r.int(2000));
  }
}

export function object(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(6); i > 0; i--)
    Object.defineProperty(o, r.pick(fieldNames), { value: value(r, depth + 1), enumerable: true, configurable: true, writable: true });
  return o;
}

function deep(n: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/** A request body: usually JSON of some shape, sometimes not JSON at all, sometimes oversized. */
export function body(r: Rng): string | undefined {
  const k = r.int(20);
  if (k === 0) return undefined;
  if (k === 1) return '{"unterminated": ';
  if (k === 2) return 'not json at all';
  if (k === 3) return JSON.stringify({ title: 'x'.repeat(1_100_000) });
  if (k === 4) return `[${'['.repeat(5000)}${']'.repeat(5000)}]`;
  if (k < 8) return JSON.stringify(value(r));
  return JSON.stringify(object(r));
}

export function pathParam(r: Rng, known: string[]): string {
  const k = r.int(4);
  if (k === 0 && known.length) return r.pick(known);
  const raw = r.pick([...strings.slice(0, 28), crypto.randomUUID()]);
  try {
    return encodeURIComponent(raw);
  } catch {
    return '%E0%A4%A'; // a lone surrogate can't be encoded: send a malformed escape instead
  }
}

export function query(r: Rng): string {
  const parts: string[] = [];
  for (let i = r.int(4); i > 0; i--) {
    const v = value(r);
    let encoded: string;
    try {
      encoded = encodeURIComponent(typeof v === 'string' ? v.slice(0, 2000) : JSON.stringify(v ?? '').slice(0, 2000));
    } catch {
      encoded = '%ZZ';
    }
    parts.push(
      `${r.pick(['limit', 'cursor', 'status', 'departmentId', 'priority', 'agentId', 'q', 'from', 'to', 'range', 'actor', 'action', 'type'])}=${encoded}`,
    );
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
