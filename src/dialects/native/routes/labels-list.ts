// GET /v1/prompts/:prompt/labels — every label of a prompt and the version it points at.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labelWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { setEtag } from '../http.ts';
import { PromptParams, WorkspaceQuery } from '../schemas.ts';
import { LabelPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listLabels',
  summary: 'List labels',
  tags: ['labels'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  response: { 200: LabelPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompts/:prompt/labels', { schema }, async (req, reply) => {
      const r = await app.registry.listLabels(req.actor, promptRef(req.params.prompt, req.query.workspace));
      setEtag(reply, r.prompt);
      // A prompt has few labels: the whole set is one page.
      return {
        data: r.labels.map(labelWire),
        pagination: { total: r.labels.length, limit: r.labels.length, offset: 0, next_offset: null },
      };
    });
}
