import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '@/test/prom-text';
import { count, resetBusStats } from '@/lib/metrics/bus-stats';
import { recordAssignment, recordLockout, recordLogin, recordTaskCreated, recordTaskFinished } from '@/lib/metrics/record';
import { resetMetrics } from '@/lib/metrics/registry';
import { self } from '@/lib/process/identity';
import { handleMetricsRequest } from './metrics-endpoint';

let server: Server;
let base: string;
beforeAll(async () => {
  resetMetrics();
  server = createServer((req, res) => {
    if (!handleMetricsRequest(req, res)) res.writeHead(404).end('next would answer');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GET /metrics', () => {
  it('parses as strict Prometheus text and holds the task, bus, resource, auth and process families', async () => {
    recordTaskCreated('engineering');
    recordAssignment('engineering', 12, 30);
    recordTaskFinished('engineering', 'completed', 250);
    recordTaskFinished('sales', 'dead', 90);
    resetBusStats();
    count.message('direct', 'rest');
    count.deliveries(3);
    count.acked(12);
    recordLogin('failure');
    recordLockout();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    const expected: Record<string, string> = {
      ecs_tasks_created_total: 'counter',
      ecs_tasks_assigned_total: 'counter',
      ecs_tasks_completed_total: 'counter',
      ecs_tasks_failed_total: 'counter',
      ecs_tasks_dead_total: 'counter',
      ecs_task_queue_wait_seconds: 'histogram',
      ecs_task_run_seconds: 'histogram',
      ecs_assignment_latency_seconds: 'histogram',
      ecs_agents: 'gauge',
      ecs_bus_messages_total: 'counter',
      ecs_bus_deliveries_total: 'counter',
      ecs_bus_latency_seconds: 'histogram',
      ecs_bus_buffer_depth: 'gauge',
      ecs_bus_dropped_total: 'counter',
      ecs_socket_connections: 'gauge',
      ecs_resource_allocated: 'gauge',
      ecs_resource_capacity: 'gauge',
      ecs_logins_total: 'counter',
      ecs_lockouts_total: 'counter',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      process_cpu_seconds_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) expect(families.get(name)?.type, name).toBe(type);
    const value = (fam: string, sample: string, labels: Record<string, string>) =>
      families.get(fam)!.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('ecs_tasks_created_total', 'ecs_tasks_created_total', { department: 'engineering' })).toBe(1);
    expect(value('ecs_tasks_failed_total', 'ecs_tasks_failed_total', { department: 'sales' })).toBe(1);
    expect(value('ecs_tasks_dead_total', 'ecs_tasks_dead_total', { department: 'sales' })).toBe(1);
    expect(
      value('ecs_assignment_latency_seconds', 'ecs_assignment_latency_seconds_bucket', { department: 'engineering', le: '0.025' }),
    ).toBe(1);
    expect(
      value('ecs_assignment_latency_seconds', 'ecs_assignment_latency_seconds_bucket', { department: 'engineering', le: '0.01' }),
    ).toBe(0);
    expect(value('ecs_logins_total', 'ecs_logins_total', { outcome: 'failure' })).toBe(1);
    expect(value('ecs_lockouts_total', 'ecs_lockouts_total', {})).toBe(1);
    expect(value('ecs_bus_messages_total', 'ecs_bus_messages_total', { kind: 'direct' })).toBe(1);
    expect(value('ecs_bus_deliveries_total', 'ecs_bus_deliveries_total', {})).toBe(3);
    expect(value('ecs_bus_latency_seconds', 'ecs_bus_latency_seconds_bucket', { le: '0.02' })).toBe(1);
    expect(value('ecs_bus_latency_seconds', 'ecs_bus_latency_seconds_bucket', { le: '0.01' })).toBe(0);
    expect(value('ecs_bus_latency_seconds', 'ecs_bus_latency_seconds_count', {})).toBe(1);
    // Every series names its process, so several processes behind one scrape job stay apart.
    for (const [name, fam] of families) for (const s of fam.samples) expect(s.labels.process, name).toBe(self().id);
  });

  it('leaves other paths to Next and refuses other methods', async () => {
    expect((await fetch(`${base}/metricsx`)).status).toBe(404);
    expect((await fetch(`${base}/api/health`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
  });
});

describe('the strict parser', () => {
  it('rejects malformed exposition so the test above can fail', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{x="1} 1\n')).toThrow();
    expect(() => parsePrometheusText('b 1\n')).toThrow(/without a declared family/);
    expect(() => parsePrometheusText('# TYPE a counter\na one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE a counter\na 1')).toThrow(/newline/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket 1\n')).toThrow(/le/);
  });
});
