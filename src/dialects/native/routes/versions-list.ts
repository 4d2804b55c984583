// GET /v1/prompts/:prompt/versions — a prompt's live versions, newest first by default.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageWire, versionWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { setEtag } from '../http.ts';
import { Order, Pagination, PromptParams, WorkspaceQuery } from '../schemas.ts';
import { VersionPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listVersions',
  summary: 'List versions',
  tags: ['versions'],
  params: PromptParams,
  querystring: Type.Composite([WorkspaceQuery, Type.Object({ order: Type.Optional(Order), ...Pagination })]),
  response: { 200: VersionPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompts/:prompt/versions', { schema }, async (req, reply) => {
      const q = req.query;
      const page = await app.registry.listVersions(req.actor, promptRef(req.params.prompt, q.workspace), {
        limit: q.limit,
        offset: q.offset,
        order: q.order ?? 'desc',
      });
      setEtag(reply, page.prompt);
      return pageWire(page, q, versionWire);
    });
}
