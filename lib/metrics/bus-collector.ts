import type { Registry } from 'prom-client';
import { busStats } from './bus-stats';

type Value = { labels?: Record<string, string | number>; value: number; metricName?: string };

/**
 * The bus keeps its own counters (lib/metrics/bus-stats.ts, no prom-client there); these collectors read
 * them at scrape time, so the bus families cost nothing between scrapes and can't drift.
 */
export function registerBusCollectors(registry: Registry): void {
  const family = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => Value[]) =>
    registry.registerMetric({ name, help, type, get: async () => ({ name, help, type, values: values(), aggregator: 'sum' }) } as never);

  family('ecs_bus_messages_total', 'Messages accepted by the bus, by addressing kind', 'counter', () =>
    Object.entries(busStats().totals.messages).map(([kind, value]) => ({ labels: { kind }, value })),
  );
  family('ecs_bus_deliveries_total', 'Message deliveries to agent sockets', 'counter', () => [{ value: busStats().totals.deliveries }]);
  family('ecs_bus_dropped_total', 'Messages dropped: buffer overflow, expired in the buffer, buffer unreachable', 'counter', () => {
    const d = busStats().drops;
    return [
      { labels: { reason: 'overflow' }, value: d.overflow },
      { labels: { reason: 'expired' }, value: d.expired },
      { labels: { reason: 'lost' }, value: d.lost },
    ];
  });
  family('ecs_bus_buffer_depth', 'Messages buffered for briefly offline agents', 'gauge', () => [{ value: busStats().bufferDepth }]);
  family('ecs_bus_latency_seconds', 'Send to acknowledged delivery', 'histogram', () => {
    const l = busStats().latencyMs;
    return [
      ...l.buckets.map((b) => ({ metricName: 'ecs_bus_latency_seconds_bucket', labels: { le: b.le / 1000 }, value: b.count })),
      { metricName: 'ecs_bus_latency_seconds_bucket', labels: { le: '+Inf' }, value: l.count },
      { metricName: 'ecs_bus_latency_seconds_sum', value: l.sum / 1000 },
      { metricName: 'ecs_bus_latency_seconds_count', value: l.count },
    ];
  });
}
