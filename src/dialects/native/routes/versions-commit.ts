// POST /v1/prompts/:prompt/commit — freeze the draft (409 when there is none).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { resolvedWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, Nullable, PromptParams, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'commitDraft',
  summary: 'Commit the draft',
  tags: ['versions'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  body: Type.Optional(
    Type.Object(
      { commit_message: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))) },
      { additionalProperties: false },
    ),
  ),
  response: { 200: Resolved, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/commit', { schema }, async (req, reply) => {
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref: promptRef(req.params.prompt, req.query.workspace) },
        ifMatch: ifMatch(req),
        version: { mode: 'commit_draft', commitMessage: req.body?.commit_message },
      });
      setEtag(reply, r.prompt);
      return resolvedWire({ prompt: r.prompt, version: r.version! });
    });
}
