// The request log writer's figures at /metrics move with what it does: queue depth, INSERTs
// committed, rows written, insert latency, and backpressure waits when the queue is full (a tiny
// queue here, so twenty records at once must wait for room).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

/** The value of one sample in Prometheus text (`name` with its labels, e.g. `x{outcome="ok"}`). */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`request log metrics (${backend.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend, { requestLogQueue: 2, requestLogBatch: 2, requestLogFlushMs: 5 });
    });
    afterAll(async () => {
      await t?.close();
    });

    const scrape = async () => {
      const r = await t.call('GET', '/metrics', { key: null });
      expect(r.status).toBe(200);
      return r.raw;
    };

    it('counts batches, rows, insert latency and backpressure waits', async () => {
      const before = await scrape();
      expect(sample(before, 'lectern_request_log_queue_depth')).toBe(0);
      const batches0 = sample(before, 'lectern_request_log_batches_total')!;
      const rows0 = sample(before, 'lectern_request_log_rows_written_total')!;
      const waits0 = sample(before, 'lectern_request_log_backpressure_waits_total')!;
      expect(rows0).toBeGreaterThanOrEqual(0);

      // One through the API (it also warms the workspace and id look-ups), then twenty handed to
      // the writer in one tick, as a burst of gateway runs would: past two waiting, they wait.
      const first = await t.call('POST', '/v1/request-logs', {
        key: t.keys.viewer,
        body: { model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5 },
      });
      expect(first.status).toBe(202);
      const actor = (await t.registry.authenticate(t.keys.viewer))!;
      await Promise.all(
        Array.from({ length: 19 }, (_, i) =>
          t.registry.logRequest(actor, {
            source: 'native',
            model: 'gpt-4o-mini',
            inputTokens: 11 + i,
            outputTokens: 5,
          }),
        ),
      );
      await t.registry.flushRequestLog();

      const after = await scrape();
      expect(sample(after, 'lectern_request_log_queue_depth')).toBe(0);
      expect(sample(after, 'lectern_request_log_rows_written_total')! - rows0).toBe(20);
      const batches = sample(after, 'lectern_request_log_batches_total')! - batches0;
      // Batches of at most two rows.
      expect(batches).toBeGreaterThanOrEqual(10);
      expect(sample(after, 'lectern_request_log_backpressure_waits_total')! - waits0).toBeGreaterThan(0);
      expect(sample(after, 'lectern_request_log_flush_duration_seconds_count{outcome="ok"}')).toBe(
        sample(after, 'lectern_request_log_batches_total'),
      );
      expect(sample(after, 'lectern_request_log_flush_duration_seconds_sum{outcome="ok"}')).toBeGreaterThan(
        0,
      );
      expect(sample(after, 'lectern_request_log_rows_dropped_total')).toBe(0);
    });
  });
}
