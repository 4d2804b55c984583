// DELETE /v1/prompts/:prompt/versions/:version — soft delete; refused (409) while a label points
// at the version. Numbers are never reused.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { resolvedWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, VersionNumberParams, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'deleteVersion',
  summary: 'Delete a version',
  tags: ['versions'],
  params: VersionNumberParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  response: { 200: Resolved, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/prompts/:prompt/versions/:version', { schema }, async (req, reply) => {
      const r = await app.registry.deleteVersion(
        req.actor,
        promptRef(req.params.prompt, req.query.workspace),
        { number: req.params.version },
        { ifMatch: ifMatch(req) },
      );
      setEtag(reply, r.prompt);
      return resolvedWire(r);
    });
}
