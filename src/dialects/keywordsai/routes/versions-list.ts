// GET /api/prompts/{prompt_id}/versions/ — newest first, DRF pages (page_size ≤ 500, default 100).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf } from '../ids.ts';
import { absoluteUrl, drfPage, parsePage } from '../pagination.ts';
import { PageQuery, PromptParams } from '../schemas.ts';
import { versionWire } from '../wire.ts';
import { VersionPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiListVersions',
  summary: 'List prompt versions (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  querystring: PageQuery,
  response: { 200: VersionPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/api/prompts/:prompt_id/versions', { schema }, async (req, reply) => {
      const page = parsePage(req.query, { default: 100, max: 500 });
      const r = await app.registry.listVersions(req.actor, promptRefOf(req.params.prompt_id), {
        limit: page.limit,
        offset: page.offset,
        order: 'desc',
      });
      return drfPage(
        absoluteUrl(req, reply),
        page,
        r.total,
        r.items.map((v) => versionWire(v, r.prompt)),
      );
    });
}
