// POST /api/chat/completions — Keywords AI's OpenAI-compatible gateway with a stored `prompt`
// (specs/runtime.md §2.1): the version is rendered, the request merged over it, and the candidates
// tried with fallback, load balance and retries. Answer: the upstream chat.completion (or its SSE
// stream) unchanged, plus `prompt_message` when `prompt.echo` is on and the run's figures with
// `request_breakdown: true` (a field, or a stream's last chunk); header Lectern-Prompt-Version.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JsonObject } from '../../../model/types.ts';
import { clientGone, sendStream, versionHeaders } from '../../common/gateway-reply.ts';
import type { RunResult, RunSummary } from '../../../gateway/run.ts';
import { breakdownChunk, kaRunInput, requestBreakdown } from '../gateway-wire.ts';
import { gatewayErrors } from '../responses.ts';

const Obj = Type.Record(Type.String(), Type.Unknown());
const Version = Type.Union([
  Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  Type.String({ maxLength: 16 }),
]);

export const PromptParam = Type.Object(
  {
    prompt_id: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.Optional(Type.Union([Version, Type.Null()])),
    variables: Type.Optional(Type.Union([Obj, Type.Null()])),
    echo: Type.Optional(Type.Boolean()),
    override: Type.Optional(Type.Boolean()),
    override_params: Type.Optional(Obj),
    override_config: Type.Optional(
      Type.Object({
        messages_override_mode: Type.Optional(Type.Union([Type.Literal('override'), Type.Literal('append')])),
      }),
    ),
    schema_version: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    patch: Type.Optional(Obj),
    is_custom_prompt: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

const Weighted = Type.Array(
  Type.Object(
    {
      model: Type.String({ minLength: 1, maxLength: 256 }),
      weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      credentials: Type.Optional(Obj),
    },
    { additionalProperties: true },
  ),
  { maxItems: 64 },
);

export const body = Type.Object(
  {
    prompt: Type.Optional(PromptParam),
    model: Type.Optional(Type.String({ maxLength: 256 })),
    messages: Type.Optional(Type.Array(Obj, { maxItems: 10_000 })),
    stream: Type.Optional(Type.Boolean()),
    fallback_models: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 64 }),
    ),
    disable_fallback: Type.Optional(Type.Boolean()),
    load_balance_models: Type.Optional(Weighted),
    load_balance_group: Type.Optional(
      Type.Object({ group_id: Type.Optional(Type.Unknown()), models: Type.Optional(Weighted) }),
    ),
    retry_params: Type.Optional(
      Type.Object(
        {
          retry_enabled: Type.Optional(Type.Boolean()),
          num_retries: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
          retry_after: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })),
        },
        { additionalProperties: false },
      ),
    ),
    metadata: Type.Optional(Type.Union([Obj, Type.Null()])),
    customer_identifier: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Integer()])),
    disable_log: Type.Optional(Type.Boolean()),
    request_breakdown: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

/** The upstream's chat.completion, unchanged, plus `prompt_message` (echo). Not a fixed shape. */
export const ChatCompletion = Type.Unsafe<JsonObject>({
  type: 'object',
  additionalProperties: true,
  description:
    'The provider chat.completion (or an SSE stream of chat.completion.chunk), plus prompt_message',
});

/** Errors in the OpenAI envelope the `openai` SDK reads (gateway.ts). */

export const schema = {
  operationId: 'keywordsaiChatCompletions',
  summary: 'Run a stored prompt through the gateway (Keywords AI)',
  tags: ['keywordsai', 'gateway'],
  body,
  response: { 200: ChatCompletion, ...gatewayErrors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/api/chat/completions', { schema, config: { readOnly: true } }, async (req, reply) => {
      const header = req.headers['x-data-respan-params'] ?? req.headers['x-data-keywordsai-params'];
      const { input, echo, breakdown } = kaRunInput(
        req.body as JsonObject,
        typeof header === 'string' ? header : undefined,
      );
      // A stream's breakdown is made when its end comes, from what ran (known by then).
      let ran: RunResult | undefined;
      const figures = (s: RunSummary) =>
        requestBreakdown(s, {
          messages: ran!.messages,
          promptId: ran!.resolved.prompt.id,
          versionNumber: ran!.resolved.version.number,
          log: input.log,
        });
      const r = (ran = await app.gateway.run(req.actor, {
        ...input,
        ...(breakdown ? { trailer: (s: RunSummary) => breakdownChunk(figures(s)) } : {}),
        signal: clientGone(req, reply),
      }));
      if (r.kind === 'stream') return sendStream(reply, r);
      versionHeaders(reply, r);
      return {
        ...r.body,
        ...(echo ? { prompt_message: r.messages } : {}),
        ...(breakdown ? { request_breakdown: figures(r.summary) } : {}),
      };
    });
}
