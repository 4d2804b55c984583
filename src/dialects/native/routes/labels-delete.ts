// DELETE /v1/prompts/:prompt/labels/:label — remove a label (the move is kept in its history).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labelWire, promptWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, LabelParams, WorkspaceQuery } from '../schemas.ts';
import { PromptLabel, errors } from '../responses.ts';

export const schema = {
  operationId: 'deleteLabel',
  summary: 'Delete a label',
  tags: ['labels'],
  params: LabelParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  response: { 200: PromptLabel, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/prompts/:prompt/labels/:label', { schema }, async (req, reply) => {
      const r = await app.registry.deleteLabel(
        req.actor,
        { prompt: promptRef(req.params.prompt, req.query.workspace), name: req.params.label },
        { ifMatch: ifMatch(req) },
      );
      setEtag(reply, r.prompt);
      return { prompt: promptWire(r.prompt), label: labelWire(r.label) };
    });
}
