// POST /v1/prompts/:prompt/versions — append a version (draft or committed), optionally labelled.
// With `base`, the body is applied over that version's content (fields left out are inherited).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { resolvedWire } from '../wire.ts';
import { promptRef, versionContent, versionSelector } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, PromptParams, VersionBody, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'createVersion',
  summary: 'Create a version',
  tags: ['versions'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  body: Type.Composite(
    [
      VersionBody,
      Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('committed')])),
        labels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
        base: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('latest')])),
      }),
    ],
    { additionalProperties: false },
  ),
  response: { 201: Resolved, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/versions', { schema }, async (req, reply) => {
      const { status, labels, base, ...body } = req.body;
      const ref = promptRef(req.params.prompt, req.query.workspace);
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref },
        ifMatch: ifMatch(req),
        version: {
          mode: status === 'draft' ? 'new_draft' : 'new_committed',
          content: versionContent(body),
          ...(base === undefined ? {} : { base: versionSelector(base) }),
        },
        labels: (labels ?? []).map((name) => ({ name, to: 'written' as const })),
      });
      setEtag(reply, r.prompt);
      return reply.code(201).send(resolvedWire({ prompt: r.prompt, version: r.version! }));
    });
}
