// POST /log-request — custom logging (runtime.md §1.4): a call the application made itself, given
// as input and output templates. 201 with the record (its id under both `id` and `request_id`:
// the spec and SDK read `id`, the docs `request_id`; §6.5). Tied to `prompt_id`, or to
// `prompt_name` + `prompt_version_number` (the newest version without a number); unlinked when
// neither names a version of the caller's workspace.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { JsonObject } from '../../../model/types.ts';
import type { PromptLink } from '../../../registry/index.ts';
import { Anything, nullable } from '../../common/schema.ts';
import { logBlueprint, logRequestRecord } from '../tracking.ts';
import { TRACKING_CONFIG, promptRefOf, selectorOf } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

const When = Type.Union([Type.String({ minLength: 1 }), Type.Number()]);
const Template = Type.Object({ type: Type.Optional(Type.String()) }, { additionalProperties: true });

export const schema = {
  operationId: 'promptlayerLogRequest',
  summary: 'Log a request made outside the SDK (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    {
      provider: Type.String(),
      model: Type.String(),
      input: Template,
      output: Template,
      request_start_time: When,
      request_end_time: When,
      tags: Type.Optional(nullable(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 1000 }))),
      metadata: Type.Optional(nullable(Type.Record(Type.String({ maxLength: 1024 }), Type.Unknown()))),
      prompt_id: Type.Optional(nullable(Type.Integer({ minimum: 1 }))),
      prompt_name: Type.Optional(nullable(Type.String())),
      prompt_version_number: Type.Optional(nullable(Type.Integer({ minimum: 1 }))),
      input_tokens: Type.Optional(Type.Integer({ minimum: 0 })),
      output_tokens: Type.Optional(Type.Integer({ minimum: 0 })),
      price: Type.Optional(Type.Number({ minimum: 0 })),
      score: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
      status: Type.Optional(
        Type.Union([Type.Literal('SUCCESS'), Type.Literal('WARNING'), Type.Literal('ERROR')]),
      ),
    },
    { additionalProperties: true },
  ),
  response: {
    201: Type.Object({
      id: Type.Integer(),
      request_id: Type.Integer(),
      prompt_version: Anything('the logged call as a prompt blueprint'),
      prompt_id: nullable(Type.Integer()),
      prompt_version_number: nullable(Type.Integer()),
      provider_type: nullable(Type.String()),
      engine: nullable(Type.String()),
      input_tokens: Type.Integer(),
      output_tokens: Type.Integer(),
      price: Type.Number(),
      score: Type.Integer(),
      scores: Anything(),
      tags_array: Type.Array(Type.String()),
      metadata: Anything(),
      span_id: nullable(Type.String()),
      status: Type.String(),
      error_type: nullable(Type.String()),
      error_message: nullable(Type.String()),
      request_start_time: nullable(Type.String()),
      request_end_time: nullable(Type.String()),
      created_at: Type.String(),
    }),
    ...errors,
  },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/log-request', { schema, config: TRACKING_CONFIG }, async (req, reply) => {
      const b = req.body as JsonObject;
      const input = logRequestRecord(b);
      const pid = b['prompt_id'];
      const name = b['prompt_name'];
      let link: PromptLink | null = null;
      if (typeof pid === 'number')
        link = { prompt: { seq: pid }, select: selectorOf(b['prompt_version_number'], null) };
      else if (typeof name === 'string' && name) {
        link = { prompt: promptRefOf(name), select: selectorOf(b['prompt_version_number'], null) };
      }
      const [r] = await app.registry.logLinkedRequests(req.actor, [{ input, link }], { durable: true });
      const id = Number(r!.id);
      const score = input.scores?.[0];
      return reply.code(201).send({
        id,
        request_id: id,
        prompt_version: logBlueprint(b),
        prompt_id: r!.resolved?.prompt.seq ?? null,
        prompt_version_number: r!.resolved?.version.number ?? null,
        provider_type: input.provider ?? null,
        engine: input.model ?? null,
        input_tokens: input.inputTokens ?? 0,
        output_tokens: input.outputTokens ?? 0,
        price: r!.costUsd ?? 0,
        score: score?.value ?? 0,
        scores: input.scores ?? [],
        tags_array: input.tags ?? [],
        metadata: input.metadata ?? {},
        span_id: input.spanId ?? null,
        status: (input.status ?? 'success').toUpperCase(),
        error_type: input.errorType ?? null,
        error_message: input.errorMessage ?? null,
        request_start_time: input.startTime?.toISOString() ?? null,
        request_end_time: input.endTime?.toISOString() ?? null,
        created_at: r!.createdAt.toISOString(),
      });
    });
}
