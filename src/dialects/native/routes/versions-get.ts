// GET /v1/prompts/:prompt/versions/:version — one version by number, or `latest`.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { resolvedWire } from '../wire.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { withEtag } from '../http.ts';
import { NotModified } from '../../common/schema.ts';
import { VersionParams, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'getVersion',
  summary: 'Get a version',
  tags: ['versions'],
  params: VersionParams,
  querystring: WorkspaceQuery,
  response: { 200: Resolved, 304: NotModified, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompts/:prompt/versions/:version', { schema, config }, async (req, reply) => {
      const r = await app.registry.getVersion(
        req.actor,
        promptRef(req.params.prompt, req.query.workspace),
        versionSelector(req.params.version),
      );
      if (withEtag(req, reply, r.prompt)) return reply;
      return resolvedWire(r);
    });
}
