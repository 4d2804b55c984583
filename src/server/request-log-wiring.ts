// Attaches the request log's batching writer (src/delivery/request-log-writer.ts) to the registry
// of this app, and flushes it when the app closes: serve.ts's shutdown closes the app (in-flight
// requests answered first) before the store, so nothing acknowledged is lost on a clean stop.
import type { FastifyInstance } from 'fastify';
import { RequestLogWriter } from '../delivery/request-log-writer.ts';
import type { Registry } from '../registry/index.ts';
import type { Config } from './config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The request log's batching writer of this app (its figures are exported at /metrics). */
    requestLogWriter: RequestLogWriter;
  }
}

export function installRequestLog(
  app: FastifyInstance,
  registry: Registry,
  config: Config,
): RequestLogWriter {
  let writer!: RequestLogWriter;
  // The registry hands the writer its own insert: background work, not a call a request makes.
  registry.attachRequestLogWriter(
    (insert, encode) =>
      (writer = new RequestLogWriter(insert, {
        encode,
        maxQueue: config.requestLogQueue,
        batchSize: Math.min(config.requestLogBatch, config.requestLogQueue),
        flushMs: config.requestLogFlushMs,
        ...(config.requestLogQuietBatch
          ? { quietBatch: Math.min(config.requestLogQuietBatch, config.requestLogBatch) }
          : {}),
        waitMs: 10_000,
        onError: (err, what) =>
          app.log.error(
            { err, rows: what.rows },
            what.dropped
              ? 'request log rows could not be written and were dropped'
              : 'request log insert failed; retrying',
          ),
      })),
  );
  app.addHook('onClose', () => registry.closeRequestLog());
  app.decorate('requestLogWriter', writer);
  return writer;
}
