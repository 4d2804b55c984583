// PATCH /v1/prompts/:prompt — rename, describe, retag, move to a project; fields left out stay.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptWire } from '../wire.ts';
import { promptFieldsOf, promptRef } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, Nullable, Obj, PromptParams, WorkspaceQuery } from '../schemas.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'updatePrompt',
  summary: 'Update a prompt',
  tags: ['prompts'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  body: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
      tags: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 })),
      project: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
      is_snippet: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Obj),
    },
    { additionalProperties: false },
  ),
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().patch('/prompts/:prompt', { schema }, async (req, reply) => {
    const b = req.body;
    const { prompt } = await app.registry.write(req.actor, {
      target: { kind: 'prompt', ref: promptRef(req.params.prompt, req.query.workspace) },
      ifMatch: ifMatch(req),
      fields: { name: b.name, ...promptFieldsOf(b) },
    });
    setEtag(reply, prompt);
    return { prompt: promptWire(prompt) };
  });
}
