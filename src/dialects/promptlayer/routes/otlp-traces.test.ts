// POST /v1/traces against OpenTelemetry's own OTLP/HTTP exporters (JSON and protobuf), as
// PromptLayer's Python tracing sends them with `X-Api-Key`: every span stored as /spans-bulk
// stores it (trace, span, parent, name, timing, status, function_input/output), the exporter told
// SUCCESS; a bad key and an undecodable body fail in PromptLayer's envelope; spans without ids
// are counted in OTLP's partial success and not stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { rowsOf } from '../../../registry/request-log.ts';

type Row = Record<string, unknown>;

/** A parent span and a failed child carrying PromptLayer's function_input/output attributes. */
function makeSpans(): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(mem)] });
  const tracer = provider.getTracer('promptlayer-python-like');
  const parent = tracer.startSpan('workflow');
  const child = tracer.startSpan(
    'llm-call',
    { attributes: { function_input: '{"q":1}', function_output: '"ok"', n: 3, tags: ['a', 'b'] } },
    trace.setSpan(context.active(), parent),
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end();
  parent.end();
  return mem.getFinishedSpans();
}

const exported = (exporter: SpanExporter, spans: ReadableSpan[]) =>
  new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`OTLP /v1/traces on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => t?.close());

    const recordsOf = async (traceId: string): Promise<Row[]> => {
      await t.registry.flushRequestLog();
      const r = await t.store.db.execute(
        sql`select * from request_logs where trace_id = ${traceId} order by span_name`,
      );
      return rowsOf<Row>(r);
    };

    for (const [encoding, Exporter] of [
      ['JSON', JsonExporter],
      ['protobuf', ProtoExporter],
    ] as const) {
      it(`stores every span the official ${encoding} exporter sends, as /spans-bulk does`, async () => {
        const spans = makeSpans();
        const exporter = new Exporter({ url: `${base}/v1/traces`, headers: { 'X-Api-Key': t.keys.editor } });
        const result = await exported(exporter, spans);
        expect(result.error).toBeUndefined();
        expect(result.code).toBe(0); // ExportResultCode.SUCCESS
        const [parent, child] = [spans[1]!, spans[0]!];
        const rows = await recordsOf(parent.spanContext().traceId);
        expect(rows.map((r) => r['span_name'])).toEqual(['llm-call', 'workflow']);
        const [c, p] = rows;
        expect(c).toMatchObject({
          source: 'pl.span',
          span_id: child.spanContext().spanId,
          parent_span_id: parent.spanContext().spanId,
          status: 'error',
          error_message: 'boom',
        });
        expect(c!['request']).toEqual({ q: 1 });
        expect(c!['response']).toBe('ok');
        expect(c!['metadata']).toMatchObject({ n: '3', tags: '["a","b"]' });
        expect(p).toMatchObject({ status: 'success', parent_span_id: null });
        expect(new Date(String(c!['start_time'])).getTime()).toBeGreaterThan(Date.now() - 60_000);
        await exporter.shutdown();
      });
    }

    it('a bad key fails the export: 401 in PromptLayer envelope', async () => {
      const exporter = new ProtoExporter({ url: `${base}/v1/traces`, headers: { 'X-Api-Key': 'nope' } });
      expect((await exported(exporter, makeSpans())).code).toBe(1); // FAILED
      await exporter.shutdown();
      const res = await t.call('POST', '/v1/traces', {
        key: null,
        headers: { 'x-api-key': 'nope' },
        body: { resourceSpans: [] },
      });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, message: expect.any(String) });
    });

    it('a body that is not an export is a 400 in PromptLayer envelope; nothing is stored', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'x-api-key': t.keys.editor, 'content-type': 'application/x-protobuf' },
        payload: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ success: false, message: expect.any(String) });
      const json = await t.call('POST', '/v1/traces', { auth: 'x-api-key', body: [1, 2] });
      expect(json.status).toBe(400);
    });

    it('spans without a trace or span id are rejected in a partial success; the rest are stored', async () => {
      const traceId = 'ab'.repeat(16);
      const span = (spanId: string) => ({
        traceId,
        spanId,
        name: `s-${spanId || 'none'}`,
        kind: 1,
        startTimeUnixNano: '1764575434000000000',
        endTimeUnixNano: 1764575434250000000,
        status: {},
        attributes: [{ key: 'k', value: { intValue: '7' } }],
      });
      const res = await t.call('POST', '/v1/traces', {
        auth: 'x-api-key',
        body: {
          resourceSpans: [
            {
              resource: { attributes: [] },
              scopeSpans: [{ scope: { name: 's' }, spans: [span('12'.repeat(8)), span('')] }],
            },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.any(String) } });
      const rows = await recordsOf(traceId);
      expect(rows.map((r) => r['span_name'])).toEqual(['s-1212121212121212']);
      // A JSON number of nanoseconds is taken too (a double: exact to within a microsecond here).
      expect(Number(rows[0]!['latency_ms'])).toBeCloseTo(250, -1);
      expect(rows[0]!['metadata']).toMatchObject({ k: '7' });
    });
  });
}
