// GET /v1/prompts/:prompt — one prompt by id, seq or name, with its labels.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { labelWire, promptWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { withEtag } from '../http.ts';
import { NotModified } from '../../common/schema.ts';
import { PromptParams, WorkspaceQuery } from '../schemas.ts';
import { PromptWithLabels, errors } from '../responses.ts';

export const schema = {
  operationId: 'getPrompt',
  summary: 'Get a prompt',
  tags: ['prompts'],
  params: PromptParams,
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({ include_deleted: Type.Optional(Type.Boolean()) }),
  ]),
  response: { 200: PromptWithLabels, 304: NotModified, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const options = { schema, config: { cacheable: true } };

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/prompts/:prompt', options, async (req, reply) => {
    const ref = promptRef(req.params.prompt, req.query.workspace);
    // One read: the prompt (whose revision is the ETag), then its labels (none while deleted). A
    // label moved between the two is newer than the ETag, never older: a 304 cannot keep it stale.
    const { prompt, labels } = await app.registry.listLabels(req.actor, ref, {
      includeDeleted: req.query.include_deleted,
    });
    if (withEtag(req, reply, prompt)) return reply;
    return { prompt: promptWire(prompt), labels: labels.map(labelWire) };
  });
}
