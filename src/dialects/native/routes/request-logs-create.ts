// POST /v1/request-logs — log a request an application made itself (source `native`). Answers 202
// at once (the record is written by the batching writer within LECTERN_REQUEST_LOG_FLUSH_MS), or,
// with `?wait=commit`, 201 once it is committed. A crash can lose 202-answered records of the last
// flush interval, never 201-answered ones (docs/request-log.md).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { nullable } from '../../common/schema.ts';
import type { RequestLogInput } from '../../../model/request-log.ts';

const S = (max = 512) => Type.Optional(nullable(Type.String({ maxLength: max })));
const Count = Type.Optional(nullable(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })));
const Amount = Type.Optional(nullable(Type.Number({ minimum: 0 })));
const Time = Type.Optional(nullable(Type.String({ format: 'date-time' })));

const Body = Type.Object(
  {
    prompt_id: S(64),
    version_id: S(64),
    version_number: Count,
    label: S(128),
    provider: S(),
    model: S(),
    response_model: S(),
    api_type: S(),
    input_variables: Type.Optional(nullable(Type.Record(Type.String(), Type.Unknown()))),
    request: Type.Optional(Type.Unknown()),
    response: Type.Optional(Type.Unknown()),
    input_tokens: Count,
    output_tokens: Count,
    start_time: Time,
    end_time: Time,
    latency_ms: Amount,
    ttft_ms: Amount,
    cost_usd: Amount,
    status: Type.Optional(
      Type.Union([Type.Literal('success'), Type.Literal('warning'), Type.Literal('error')]),
    ),
    status_code: Count,
    error_type: S(),
    error_message: S(100_000),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 100 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    customer_identifier: S(),
    thread_identifier: S(),
    group_id: Type.Optional(
      nullable(
        Type.Integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: "a request group of the workspace (POST /v1/request-groups); another's is ignored",
        }),
      ),
    ),
    trace_id: S(),
    span_id: S(),
    scores: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 256 }),
            value: Type.Number(),
            source: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    stream: Type.Optional(Type.Boolean()),
    omit_bodies: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Receipt = Type.Object({
  id: Type.String(),
  unique_id: Type.String(),
  created_at: Type.String(),
  committed: Type.Boolean(),
});

export const schema = {
  operationId: 'createRequestLog',
  summary: 'Log a request',
  tags: ['request-log'],
  querystring: Type.Object({ wait: Type.Optional(Type.Literal('commit')) }),
  body: Body,
  response: { 201: Receipt, 202: Receipt, ...errors },
};

const date = (s: string | null | undefined) => (s ? new Date(s) : null);

function toInput(b: Static<typeof Body>): RequestLogInput {
  return {
    source: 'native',
    promptId: b.prompt_id,
    versionId: b.version_id,
    versionNumber: b.version_number,
    label: b.label,
    provider: b.provider,
    model: b.model,
    responseModel: b.response_model,
    apiType: b.api_type,
    inputVariables: b.input_variables as RequestLogInput['inputVariables'],
    request: b.request as RequestLogInput['request'],
    response: b.response as RequestLogInput['response'],
    inputTokens: b.input_tokens,
    outputTokens: b.output_tokens,
    startTime: date(b.start_time),
    endTime: date(b.end_time),
    latencyMs: b.latency_ms,
    ttftMs: b.ttft_ms,
    costUsd: b.cost_usd,
    status: b.status ?? (b.error_message ? 'error' : 'success'),
    statusCode: b.status_code,
    errorType: b.error_type,
    errorMessage: b.error_message,
    tags: b.tags,
    metadata: b.metadata as RequestLogInput['metadata'],
    customerIdentifier: b.customer_identifier,
    threadIdentifier: b.thread_identifier,
    groupId: b.group_id,
    traceId: b.trace_id,
    spanId: b.span_id,
    scores: b.scores,
    stream: b.stream,
    omitBodies: b.omit_bodies,
  };
}

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/request-logs', { schema }, async (req, reply) => {
    const durable = req.query.wait === 'commit';
    const r = await app.registry.logRequest(req.actor, toInput(req.body as Static<typeof Body>), { durable });
    return reply
      .code(durable ? 201 : 202)
      .send({ id: r.id, unique_id: r.uniqueId, created_at: r.createdAt.toISOString(), committed: durable });
  });
}
