// GET /prompt-templates/{identifier}/labels — the template's release labels with their versions.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { identifierRef, templateMissing } from '../lookup.ts';
import { IdentifierParams } from '../schemas.ts';
import { Labels, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerListLabels',
  summary: 'List release labels (PromptLayer)',
  tags: ['promptlayer'],
  params: IdentifierParams,
  response: { 200: Labels, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompt-templates/:identifier/labels', { schema }, async (req) => {
      const { identifier } = req.params;
      const { labels } = await app.registry
        .listLabels(req.actor, identifierRef(identifier))
        .catch(templateMissing(identifier));
      return {
        release_labels: labels.map((l) => ({
          release_label: l.name,
          release_label_id: l.seq,
          prompt_version_id: l.versionSeq,
          prompt_version_number: l.versionNumber,
        })),
      };
    });
}
