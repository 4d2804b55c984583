// POST /v1/chat/completions — OpenAI's chat-completions wire with a stored prompt reference, for
// any OpenAI client (`new OpenAI({baseURL: "<lectern>/v1"})`): `prompt: {name | id, label |
// version, variables, workspace?}` in the body (TS: a cast or `@ts-expect-error`; Python:
// `extra_body`). The version is the base; the request's messages are appended and its params
// replace the version's (see gateway-wire.ts). Answer: the provider's chat.completion unchanged
// plus `lectern: {prompt_id, prompt_name, version, version_id, label}`; streams pass through.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JsonObject } from '../../../model/types.ts';
import { badRequest } from '../../../model/errors.ts';
import { clientGone, sendStream, versionHeaders } from '../../common/gateway-reply.ts';
import { Routing, nativeRunInput } from '../gateway-wire.ts';
import { Obj, VersionRef } from '../schemas.ts';
import { errors } from '../responses.ts';

export const PromptReference = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    version: Type.Optional(VersionRef),
    variables: Type.Optional(Obj),
    /** Run another model than the version's (the request's `model` is only a default). */
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    strict: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const body = Type.Object(
  {
    prompt: PromptReference,
    model: Type.Optional(Type.String({ maxLength: 256 })),
    messages: Type.Optional(Type.Array(Obj, { maxItems: 10_000 })),
    stream: Type.Optional(Type.Boolean()),
    ...Routing,
  },
  { additionalProperties: true },
);

export const ChatCompletion = Type.Unsafe<JsonObject>({
  type: 'object',
  additionalProperties: true,
  description: 'The provider chat.completion plus `lectern` (the version that ran)',
});

export const schema = {
  operationId: 'chatCompletions',
  summary: 'OpenAI-compatible chat completions over a stored prompt',
  tags: ['gateway'],
  body,
  response: { 200: ChatCompletion, ...errors },
};

const ROUTING_KEYS = new Set(Object.keys(Routing));

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/chat/completions', { schema, config: { readOnly: true } }, async (req, reply) => {
      const { prompt, ...rest } = req.body;
      if ((prompt.name === undefined) === (prompt.id === undefined))
        throw badRequest('prompt needs a name or an id (one of them)', { field: 'prompt' });
      const request: JsonObject = {};
      for (const [k, v] of Object.entries(rest)) if (!ROUTING_KEYS.has(k)) request[k] = v as JsonObject;
      const input = nativeRunInput({
        prompt: (prompt.id ?? prompt.name)!,
        workspace: prompt.workspace,
        label: prompt.label,
        version: prompt.version,
        variables: prompt.variables as JsonObject | undefined,
        request,
        modelOverride: prompt.model,
        routing: rest,
        strict: prompt.strict !== false,
      });
      const r = await app.gateway.run(req.actor, { ...input, signal: clientGone(req, reply) });
      if (r.kind === 'stream') return sendStream(reply, r);
      versionHeaders(reply, r);
      return {
        ...r.body,
        lectern: {
          prompt_id: r.resolved.prompt.id,
          prompt_name: r.resolved.prompt.name,
          version: r.resolved.version.number,
          version_id: r.resolved.version.id,
          label: input.label,
        },
      };
    });
}
