// POST /api/prompts/{prompt_id}/versions/ — a new version (messages and model required). It becomes
// the draft and the previous draft is frozen; with `deploy: true` it is committed and made live at once.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { promptRefOf } from '../ids.ts';
import { PromptParams, VersionCreateBody } from '../schemas.ts';
import { contentFromCreate } from '../version-fields.ts';
import { versionWire } from '../wire.ts';
import { VersionBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiCreateVersion',
  summary: 'Create a prompt version (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  body: VersionCreateBody,
  response: { 201: VersionBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/api/prompts/:prompt_id/versions', { schema }, async (req, reply) => {
      const ref = promptRefOf(req.params.prompt_id);
      const content = contentFromCreate(req.body);
      const deploy = req.body.deploy === true;
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref },
        version: { mode: deploy ? 'new_committed' : 'new_draft', content },
        labels: deploy ? [{ name: PRODUCTION_LABEL, to: 'written' }] : [],
      });
      return reply.code(201).send(versionWire(r.version!, r.prompt));
    });
}
