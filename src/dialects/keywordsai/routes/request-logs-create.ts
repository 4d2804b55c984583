// POST /api/request-logs/create/ (also /api/request-logs/ and the Respan SDK's /request-logs/create,
// each with or without the trailing slash) — log a call the application made itself. The record is
// committed before the answer (runtime.md §0: clients retry on failure, so an answer must mean
// stored). 201 with both documented answer shapes in one body (§6 item 7).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { kaLogPlan } from '../request-log-mapping.ts';

const Num = Type.Optional(Type.Union([Type.Number(), Type.Null()]));
const Count = Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), Type.Null()]));
const Time = Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number(), Type.Null()]));
const Obj = Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]));

export const schema = {
  operationId: 'keywordsaiCreateRequestLog',
  summary: 'Log a request (Keywords AI)',
  tags: ['keywordsai'],
  body: Type.Object(
    {
      model: Type.String({ minLength: 1, maxLength: 512 }),
      log_type: Type.Optional(Type.String({ maxLength: 64 })),
      prompt: Type.Optional(
        Type.Object(
          {
            prompt_id: Type.String({ minLength: 1, maxLength: 200 }),
            version: Type.Optional(
              Type.Union([Type.Integer({ minimum: 1 }), Type.String({ maxLength: 200 }), Type.Null()]),
            ),
            variables: Obj,
          },
          { additionalProperties: true },
        ),
      ),
      usage: Obj,
      prompt_tokens: Count,
      completion_tokens: Count,
      cost: Num,
      prompt_unit_price: Num,
      completion_unit_price: Num,
      latency: Num,
      generation_time: Num,
      time_to_first_token: Num,
      ttft: Num,
      timestamp: Time,
      start_time: Time,
      status_code: Count,
      status: Type.Optional(Type.String({ maxLength: 32 })),
      error_message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      metadata: Obj,
      properties: Obj,
      customer_identifier: Type.Optional(
        Type.Union([Type.String({ maxLength: 512 }), Type.Number(), Type.Null()]),
      ),
      customer_params: Obj,
      variables: Obj,
      positive_feedback: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    },
    { additionalProperties: true },
  ),
  response: {
    201: Type.Object(
      {
        message: Type.String(),
        id: Type.String(),
        unique_id: Type.String(),
        request_id: Type.String({
          description: "Lectern's integer id of the record (PromptLayer's request_id)",
        }),
        organization_id: Type.String(),
        customer_identifier: Type.Union([Type.String(), Type.Null()]),
        status: Type.String(),
        cost: Type.Union([Type.Number(), Type.Null()]),
        timestamp: Type.String(),
        environment: Type.String(),
        latency: Type.Union([Type.Number(), Type.Null()]),
        time_to_first_token: Type.Union([Type.Number(), Type.Null()]),
        prompt_cache_creation_tokens: Type.Integer(),
        prompt_cache_hit_tokens: Type.Integer(),
      },
      { additionalProperties: true },
    ),
    ...errors,
  },
};

export const PATHS = ['/api/request-logs/create', '/api/request-logs', '/request-logs/create'] as const;

export default function route(app: FastifyInstance) {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const [i, url] of PATHS.entries()) {
    // Each alias its own operation (ids are unique) with its own response map (compiled in place).
    const s =
      i === 0
        ? schema
        : { ...schema, operationId: `${schema.operationId}Alias${i}`, response: { ...schema.response } };
    typed.post(url, { schema: s }, async (req, reply) => {
      const plan = kaLogPlan(req.body as Record<string, unknown>);
      const r = await app.registry.logRequest(req.actor, plan.input, { durable: true, prompt: plan.prompt });
      const i = plan.input;
      return reply.code(201).send({
        message: 'log successful',
        id: r.uniqueId,
        unique_id: r.uniqueId,
        request_id: r.id,
        organization_id: r.workspaceId,
        customer_identifier: i.customerIdentifier ?? null,
        status: i.status === 'error' ? 'error' : 'success',
        cost: r.costUsd,
        timestamp: (i.endTime ?? r.createdAt).toISOString(),
        environment: 'prod',
        latency: i.latencyMs === null || i.latencyMs === undefined ? null : i.latencyMs / 1000,
        time_to_first_token: i.ttftMs === null || i.ttftMs === undefined ? null : i.ttftMs / 1000,
        prompt_cache_creation_tokens: i.cacheWriteTokens ?? 0,
        prompt_cache_hit_tokens: i.cacheReadTokens ?? 0,
      });
    });
  }
}
