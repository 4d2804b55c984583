// Prometheus metrics at /metrics: request latency per route and status, the request log's batching
// writer (queue depth, inserts, rows, insert latency, backpressure), plus process metrics.
// Each app gets its own prom-client registry, so several apps in one process never collide.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import { routeConfig, type RouteConfig } from './route-config.ts';
import { LatencyChild, LatencyHistogram } from './latency-histogram.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Records one answer's latency (ms) under its route's labels: cache hits answered before Fastify use it too. */
    observeLatency: (cfg: RouteConfig, method: string, status: number, ms: number) => void;
  }
}

export function installMetrics(app: FastifyInstance): void {
  const registry = new PromRegistry();
  collectDefaultMetrics({ register: registry, prefix: 'lectern_' });
  // Observed by every request, so not prom-client's Histogram (latency-histogram.ts says why).
  const latency = new LatencyHistogram(
    'lectern_http_request_duration_seconds',
    'HTTP request latency by route pattern and status',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registry,
  );
  // 1 while other processes' changes reach this one; 0 while the caches are off for want of them.
  new Gauge({
    name: 'lectern_change_feed_up',
    help: 'Whether the change feed (PostgreSQL LISTEN) is connected; while 0 the read cache is off',
    registers: [registry],
    collect() {
      this.set(app.feedHealth?.up === false ? 0 : 1);
    },
  });
  new Counter({
    name: 'lectern_change_feed_outages_total',
    help: 'Times the change feed went down',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(app.feedHealth?.outages ?? 0);
    },
  });
  installRequestLogMetrics(app, registry);
  // One labelled child per (route, method, status), found without building a string: the route's
  // config object (one per route and method) leads to its children by status and method.
  const children = new WeakMap<object, Map<number, LatencyChild>>();
  const methods = new Map<string, number>();
  const observe = (cfg: RouteConfig, method: string, status: number, ms: number) => {
    let byStatus = children.get(cfg);
    if (!byStatus) children.set(cfg, (byStatus = new Map()));
    let m = methods.get(method);
    if (m === undefined) methods.set(method, (m = methods.size));
    const id = status * 64 + m;
    let child = byStatus.get(id);
    if (!child) {
      // The route pattern, not the URL: bounded label cardinality.
      const route = cfg.url ?? 'unmatched';
      child = latency.child({ method, route, status: String(status) });
      byStatus.set(id, child);
    }
    child.observe(ms / 1000);
  };
  app.decorate('observeLatency', observe);
  app.addHook('onResponse', (req, reply, done) => {
    observe(routeConfig(req), req.method, reply.statusCode, reply.elapsedTime);
    done();
  });
  app.get(
    '/metrics',
    { config: { public: true, unlimited: true }, schema: { hide: true } },
    async (_req, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
}

/**
 * The request log writer's figures. Counters read the writer's own totals at scrape time (no
 * work on the write path); insert latency is observed per statement.
 */
function installRequestLogMetrics(app: FastifyInstance, registry: PromRegistry): void {
  const writer = app.hasDecorator('requestLogWriter') ? app.requestLogWriter : undefined;
  if (!writer) return;
  new Gauge({
    name: 'lectern_request_log_queue_depth',
    help: 'Request log records waiting to be written or being inserted',
    registers: [registry],
    collect() {
      this.set(writer.depth);
    },
  });
  const totals: [string, string, keyof typeof writer.stats][] = [
    ['lectern_request_log_batches_total', 'Request log INSERT statements committed', 'batches'],
    ['lectern_request_log_rows_written_total', 'Request log records committed', 'rowsWritten'],
    [
      'lectern_request_log_insert_failures_total',
      'Request log inserts that failed and were queued again to be retried',
      'failedInserts',
    ],
    [
      'lectern_request_log_backpressure_waits_total',
      'Request log records that found the queue full and waited for room',
      'backpressureWaits',
    ],
    [
      'lectern_request_log_rows_dropped_total',
      'Request log records the database refused as data (dropped, logged)',
      'dropped',
    ],
  ];
  for (const [name, help, key] of totals)
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(writer.stats[key]);
      },
    });
  const flush = new Histogram({
    name: 'lectern_request_log_flush_duration_seconds',
    help: 'Time of one request log INSERT statement, by outcome',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const ok = flush.labels({ outcome: 'ok' });
  const failed = flush.labels({ outcome: 'failed' });
  const off = writer.observe((s, _rows, done) => (done ? ok : failed).observe(s));
  app.addHook('onClose', (_app, done) => {
    off();
    done();
  });
}
