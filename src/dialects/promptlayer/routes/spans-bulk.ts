// POST /spans-bulk — the JS SDK's tracing exporter (runtime.md §1.7): each span becomes a record
// of its own (source `pl.span`, with its trace, parent, timing and status), and a span's
// `log_request` a /log-request record carrying the span's ids. Everything is parsed before
// anything is written, and the records are committed before the 201.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { JsonObject } from '../../../model/types.ts';
import type { LinkedLog } from '../../../registry/index.ts';
import { logRequestRecord, spanRecord } from '../tracking.ts';
import { TRACKING_CONFIG, promptRefOf, selectorOf } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

const Span = Type.Object(
  {
    name: Type.Optional(Type.String()),
    context: Type.Object({ span_id: Type.String() }, { additionalProperties: true }),
  },
  { additionalProperties: true },
);

export const schema = {
  operationId: 'promptlayerSpansBulk',
  summary: 'Record finished tracing spans (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    { spans: Type.Array(Span, { maxItems: 1000 }), close_after: Type.Optional(Type.Boolean()) },
    { additionalProperties: true },
  ),
  response: {
    201: Type.Object({
      success: Type.Boolean(),
      spans: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), span_id: Type.String() })),
      request_logs: Type.Array(Type.Object({ id: Type.Integer(), span_id: Type.String() })),
    }),
    ...errors,
  },
};

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/spans-bulk', { schema, config: TRACKING_CONFIG }, async (req, reply) => {
      const spans = req.body.spans as JsonObject[];
      const items: LinkedLog[] = [];
      const logOf: number[] = []; // index of the span each log_request record belongs to
      for (const s of spans) items.push({ input: spanRecord(s) });
      spans.forEach((s, i) => {
        const lr = s['log_request'];
        if (!isObj(lr)) return;
        const span = items[i]!.input;
        const input = { ...logRequestRecord(lr), traceId: span.traceId, spanId: span.spanId };
        const name = lr['prompt_name'];
        const pid = lr['prompt_id'];
        const select = selectorOf(lr['prompt_version_number'], null);
        const link =
          typeof pid === 'number'
            ? { prompt: { seq: pid }, select }
            : typeof name === 'string' && name
              ? { prompt: promptRefOf(name), select }
              : null;
        items.push({ input, link });
        logOf.push(i);
      });
      const receipts = await app.registry.logLinkedRequests(req.actor, items, { durable: true });
      const spanId = (i: number) => String((spans[i]!['context'] as JsonObject)['span_id']);
      return reply.code(201).send({
        success: true,
        spans: spans.map((s, i) => ({
          id: Number(receipts[i]!.id),
          name: typeof s['name'] === 'string' ? s['name'] : '',
          span_id: spanId(i),
        })),
        request_logs: logOf.map((i, k) => ({
          id: Number(receipts[spans.length + k]!.id),
          span_id: spanId(i),
        })),
      });
    });
}
