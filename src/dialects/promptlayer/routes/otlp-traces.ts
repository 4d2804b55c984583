// POST /v1/traces — OTLP/HTTP trace export, what PromptLayer's Python SDK sends (`X-Api-Key`) in
// place of `/spans-bulk` (runtime.md §1 row 8, §1.7). Protobuf or JSON in; every span stored as
// `/spans-bulk` stores it (tracking.ts `spanRecord`, committed before the answer); the answer is
// OTLP's `ExportTraceServiceResponse` in the request's encoding (empty when every span was stored,
// `partial_success` counting those that were not). A body that is not an export: 400 in
// PromptLayer's envelope. The wire choices are in docs/compatibility.md.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import { decodeJson, decodeProtobuf, exportResponse } from '../otlp.ts';
import { spanRecord } from '../tracking.ts';
import { errors } from '../responses.ts';

const PROTOBUF = 'application/x-protobuf';

export const schema = {
  operationId: 'promptlayerOtlpTraces',
  summary: 'Record finished spans sent by an OTLP/HTTP exporter (PromptLayer Python tracing)',
  description:
    'Body: an OTLP `ExportTraceServiceRequest` as `application/x-protobuf` or `application/json` ' +
    '(gzip allowed with protobuf). Answers `ExportTraceServiceResponse` in the same encoding.',
  tags: ['promptlayer'],
  consumes: [PROTOBUF, 'application/json'],
  response: {
    200: Type.Object({
      partialSuccess: Type.Optional(
        Type.Object({ rejectedSpans: Type.String(), errorMessage: Type.String() }),
      ),
    }),
    ...errors,
  },
};

export default function route(app: FastifyInstance) {
  // Its own context, so the protobuf parser reaches no other PromptLayer route.
  void app.register(async (sub) => {
    sub.addContentTypeParser(PROTOBUF, { parseAs: 'buffer' }, (req, raw, done) => {
      const gz = String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
      try {
        // Bounded: a small gzip body cannot unpack into more than a few body limits.
        const max = (app.initialConfig.bodyLimit ?? 1024 * 1024) * 4;
        done(null, gz ? gunzipSync(raw as Buffer, { maxOutputLength: max }) : raw);
      } catch {
        done(badRequest('the body is not valid gzip, or unpacks past the body limit'), undefined);
      }
    });
    sub
      .withTypeProvider<TypeBoxTypeProvider>()
      .post('/v1/traces', { schema, config: { unlimited: true } }, async (req, reply) => {
        const proto = Buffer.isBuffer(req.body);
        const decoded = proto ? decodeProtobuf(req.body as Buffer) : decodeJson(req.body);
        if (decoded.spans.length)
          await app.registry.logLinkedRequests(
            req.actor,
            decoded.spans.map((s) => ({ input: spanRecord(s) })),
            { durable: true },
          );
        if (!proto) return exportResponse(decoded, 'json');
        return reply.type(PROTOBUF).send(Buffer.from(exportResponse(decoded, 'protobuf')));
      });
  });
}
