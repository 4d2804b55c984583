// POST /v1/prompts/:prompt/restore — undo a soft delete (409 when the name was reused meanwhile).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { setEtag } from '../http.ts';
import { PromptParams, WorkspaceQuery } from '../schemas.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'restorePrompt',
  summary: 'Restore a deleted prompt',
  description: 'Address the deleted prompt by id or seq: its name may belong to a live prompt now.',
  tags: ['prompts'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/restore', { schema }, async (req, reply) => {
      const p = await app.registry.restorePrompt(
        req.actor,
        promptRef(req.params.prompt, req.query.workspace),
      );
      setEtag(reply, p);
      return { prompt: promptWire(p) };
    });
}
