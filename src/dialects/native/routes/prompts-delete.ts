// DELETE /v1/prompts/:prompt — soft delete: the name is free again, and restore brings it back.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, PromptParams, WorkspaceQuery } from '../schemas.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'deletePrompt',
  summary: 'Delete a prompt (soft)',
  tags: ['prompts'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/prompts/:prompt', { schema }, async (req, reply) => {
    const p = await app.registry.deletePrompt(req.actor, promptRef(req.params.prompt, req.query.workspace), {
      ifMatch: ifMatch(req),
    });
    setEtag(reply, p);
    return { prompt: promptWire(p) };
  });
}
