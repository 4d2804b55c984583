// PATCH /v1/prompts/:prompt/versions/:version — edit the draft in place; committed versions are
// frozen (409). Fields left out keep their value.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { resolvedWire } from '../wire.ts';
import { promptRef, versionContent } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, VersionBody, VersionNumberParams, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'updateDraft',
  summary: 'Edit a draft version',
  tags: ['versions'],
  params: VersionNumberParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  body: VersionBody,
  response: { 200: Resolved, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/prompts/:prompt/versions/:version', { schema }, async (req, reply) => {
      const content = versionContent(req.body);
      // Only what was sent changes: versionContent's empty completion content is for creates.
      if (req.body.content === undefined) delete content.content;
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref: promptRef(req.params.prompt, req.query.workspace) },
        ifMatch: ifMatch(req),
        version: { mode: 'edit_draft', version: { number: req.params.version }, content: () => content },
      });
      setEtag(reply, r.prompt);
      return resolvedWire({ prompt: r.prompt, version: r.version! });
    });
}
