// `npm run simulate -- --agents 300 --tasks-per-second 50 [--duration 60] [--url http://localhost:3000]`
// Credentials: --username/--password, or ECS_ADMIN_USERNAME/ECS_ADMIN_PASSWORD, or --token.
import { parseArgs } from 'node:util';
import { apiAs, bearerClient } from './fleet';
import { startSimulation } from './engine';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.ECS_URL ?? 'http://localhost:3000' },
    agents: { type: 'string', default: '100' },
    'tasks-per-second': { type: 'string', default: '20' },
    duration: { type: 'string' },
    'failure-rate': { type: 'string', default: '0.05' },
    'collaboration-rate': { type: 'string', default: '0.05' },
    'resource-rate': { type: 'string', default: '0.4' },
    'mean-task-ms': { type: 'string', default: '800' },
    username: { type: 'string', default: process.env.ECS_ADMIN_USERNAME ?? 'admin' },
    password: { type: 'string', default: process.env.ECS_ADMIN_PASSWORD },
    token: { type: 'string', default: process.env.ECS_TOKEN },
  },
});

const num = (name: keyof typeof values, min: number, max: number) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
};

function exitWith(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main() {
  const api = values.token
    ? bearerClient(values.url!, values.token)
    : values.password
      ? await apiAs(values.url!, values.username!, values.password)
      : exitWith('Give --password (or ECS_ADMIN_PASSWORD) or --token');
  const sim = await startSimulation({
    url: values.url!,
    api,
    agents: num('agents', 1, 10_000),
    tasksPerSecond: num('tasks-per-second', 0, 10_000),
    durationSec: values.duration ? num('duration', 1, 86_400) : undefined,
    failureRate: num('failure-rate', 0, 1),
    collaborationRate: num('collaboration-rate', 0, 1),
    resourceRate: num('resource-rate', 0, 1),
    meanTaskMs: num('mean-task-ms', 1, 3_600_000),
    log: (l) => process.stdout.write(`\r\x1b[2K[simulate] ${l}`),
  });
  const stop = async () => {
    process.stdout.write('\n[simulate] stopping…\n');
    await sim.stop();
    console.log(`[simulate] ${JSON.stringify(sim.stats)}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await sim.done;
  await stop();
}

main().catch((err) => {
  console.error('\n[simulate] failed:', err.message);
  process.exit(1);
});
