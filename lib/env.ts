import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const ms = (d: number) => z.coerce.number().int().positive().default(d);
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** One proxy address or range: `10.0.0.5`, `::1`, `172.16.0.0/12`. */
const proxyEntry = z.string().refine((v) => {
  const [addr, bits, extra] = v.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}, 'must be an IP address or CIDR range (e.g. 127.0.0.1, 172.16.0.0/12)');
const proxyList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(proxyEntry).min(1));

/** Every setting the system reads, with the design's defaults. Documented in README.md and .env.example. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOSTNAME: z.string().default('localhost'),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  // Addresses of the reverse proxies in front (nginx): only a connection from one of them may name
  // the client in X-Forwarded-For. Unset: the socket's address is the client's.
  TRUST_PROXY: z.preprocess(emptyAsUndefined, proxyList.optional()),
  DATA_DIR: z.string().default('./data'),
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  ECS_ADMIN_USERNAME: z.preprocess(emptyAsUndefined, z.string().min(3).optional()),
  ECS_ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(8).optional()),
  DEMO: z.preprocess(emptyAsUndefined, bool.optional()),
  MAX_DEPARTMENTS: z.coerce.number().int().positive().default(20),
  MAX_AGENTS_PER_DEPARTMENT: z.coerce.number().int().positive().default(50),
  MAX_CONCURRENT_AGENTS: z.coerce.number().int().positive().default(1000),
  HEARTBEAT_INTERVAL: ms(5000),
  RESOURCE_CHECK_INTERVAL: ms(10000),
  TOKEN_EXPIRATION: ms(3600000),
  MAX_FAILED_ATTEMPTS: z.coerce.number().int().positive().default(5),
  LOCKOUT_DURATION: ms(900000),
  ENABLE_MFA: z.preprocess(emptyAsUndefined, bool.default(true)),
  AUDIT_LOG_PATH: z.preprocess(emptyAsUndefined, z.string().optional()),
  ALLOCATION_STRATEGY: z.enum(['priority-based', 'fair-share']).default('priority-based'),
  AUTO_SCALING: z.preprocess(emptyAsUndefined, bool.default(true)),
  REBALANCE_INTERVAL: ms(60000),
  // Each process writes its counters to cluster_processes this often; three missed beats and it counts as gone.
  CLUSTER_HEARTBEAT_INTERVAL: ms(3000),
  MAX_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  // Unset: cores − 1 (at least 1), decided where the pool is made.
  WORKER_THREADS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).optional()),
  MESSAGE_BUFFER_SIZE: z.coerce.number().int().positive().default(10000),
  LOAD_BALANCING_STRATEGY: z.enum(['round-robin', 'least-connections', 'weighted', 'capability-match']).default('round-robin'),
  LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(['json', 'pretty']).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).default(12),
  METRICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  DASHBOARD_PUSH: z.preprocess(emptyAsUndefined, bool.default(true)),
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  // Outgoing webhooks (lib/webhooks): targets on private, loopback and link-local addresses are
  // refused unless this opens them (tests, receivers on the same premises).
  WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, bool.default(false)),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  WEBHOOK_RETRY_BASE_MS: ms(5_000),
  WEBHOOK_RETRY_HOURS: z.coerce.number().positive().max(720).default(24),
  ALERT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.25),
  ALERT_LATENCY_P95_MS: z.coerce.number().int().positive().default(2000),
  ALERT_SUSTAIN_MINUTES: z.coerce.number().min(0).max(1440).default(3),
  // Due tasks waiting this long in a department with no agent online raise `stuck_queue`; 0 turns it off.
  ALERT_STUCK_QUEUE_MINUTES: z.coerce.number().min(0).max(1440).default(10),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Parsed once; a bad setting stops start-up with a message naming it. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid settings:\n${lines}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change settings between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
