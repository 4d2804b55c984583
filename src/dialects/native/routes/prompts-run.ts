// POST /v1/prompts/:prompt/run — run a stored prompt through the gateway, by label (default
// `production`) or version number / `latest`. The version is rendered with the variables (strict
// by default: a missing variable is a 422 naming it), the request's messages are appended and its
// params replace the version's; the candidates are tried with fallback, load balance and retries.
// Answer: which version ran, the messages sent, and the provider's chat.completion; with
// `stream: true`, the provider's SSE passed through. Header Lectern-Prompt-Version either way.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JsonObject } from '../../../model/types.ts';
import { clientGone, sendStream, versionHeaders } from '../../common/gateway-reply.ts';
import { Routing, nativeRunInput } from '../gateway-wire.ts';
import { Obj, PromptParams, RenderMode, VersionRef, WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';

export const body = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    version: Type.Optional(VersionRef),
    variables: Type.Optional(Obj),
    mode: Type.Optional(RenderMode),
    /** Appended after the version's messages. */
    messages: Type.Optional(Type.Array(Obj, { maxItems: 10_000 })),
    /** Chat params that replace the version's (temperature, max_tokens, tools, response_format …). */
    params: Type.Optional(Obj),
    /** Run another model than the version's. */
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    stream: Type.Optional(Type.Boolean()),
    ...Routing,
  },
  { additionalProperties: false },
);

export const RunResponse = Type.Object(
  {
    prompt_id: Type.String(),
    prompt_name: Type.String(),
    version: Type.Integer(),
    version_id: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    model: Type.String({ description: 'the model that answered (after fallback / load balance)' }),
    messages: Type.Array(Type.Unknown(), { description: 'the messages sent to the model' }),
    response: Type.Unsafe<JsonObject>({
      type: 'object',
      additionalProperties: true,
      description: 'the provider chat.completion',
    }),
  },
  { $id: 'NativeRunResponse' },
);

export const schema = {
  operationId: 'runPrompt',
  summary: 'Run a prompt through the gateway',
  tags: ['gateway'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  body,
  response: { 200: RunResponse, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/run', { schema, config: { readOnly: true } }, async (req, reply) => {
      const b = req.body;
      const input = nativeRunInput({
        prompt: req.params.prompt,
        workspace: req.query.workspace,
        label: b.label,
        version: b.version,
        variables: b.variables as JsonObject | undefined,
        request: {
          ...((b.params ?? {}) as JsonObject),
          ...(b.messages ? { messages: b.messages as JsonObject[] } : {}),
          ...(b.stream ? { stream: true } : {}),
        },
        modelOverride: b.model,
        routing: b,
        strict: (b.mode ?? 'strict') === 'strict',
      });
      const r = await app.gateway.run(req.actor, { ...input, signal: clientGone(req, reply) });
      if (r.kind === 'stream') return sendStream(reply, r);
      versionHeaders(reply, r);
      return {
        prompt_id: r.resolved.prompt.id,
        prompt_name: r.resolved.prompt.name,
        version: r.resolved.version.number,
        version_id: r.resolved.version.id,
        label: input.label,
        model: r.model,
        messages: r.messages,
        response: r.body,
      };
    });
}
