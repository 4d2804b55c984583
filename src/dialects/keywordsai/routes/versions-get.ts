// GET /api/prompts/{prompt_id}/versions/{version}/ — by number, `latest`, or "<prompt_id>-<n>".
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf, versionSelectorOf } from '../ids.ts';
import { VersionParams } from '../schemas.ts';
import { versionWire } from '../wire.ts';
import { VersionBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiGetVersion',
  summary: 'Retrieve a prompt version (Keywords AI)',
  tags: ['keywordsai'],
  params: VersionParams,
  response: { 200: VersionBody, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/api/prompts/:prompt_id/versions/:version', { schema, config }, async (req) => {
      const ref = promptRefOf(req.params.prompt_id);
      const r = await app.registry.getVersion(req.actor, ref, versionSelectorOf(req.params.version, ref.id));
      return versionWire(r.version, r.prompt);
    });
}
