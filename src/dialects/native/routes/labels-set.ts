// PUT /v1/prompts/:prompt/labels/:label — create or move a label onto a version.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labelWire, promptWire } from '../wire.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { ifMatch, setEtag } from '../http.ts';
import { IfMatchHeaders, LabelParams, VersionRef, WorkspaceQuery } from '../schemas.ts';
import { PromptLabel, errors } from '../responses.ts';

export const schema = {
  operationId: 'setLabel',
  summary: 'Set or move a label',
  tags: ['labels'],
  params: LabelParams,
  querystring: WorkspaceQuery,
  headers: IfMatchHeaders,
  body: Type.Object({ version: VersionRef }, { additionalProperties: false }),
  response: { 200: PromptLabel, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put('/prompts/:prompt/labels/:label', { schema }, async (req, reply) => {
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref: promptRef(req.params.prompt, req.query.workspace) },
        ifMatch: ifMatch(req),
        labels: [{ name: req.params.label, to: versionSelector(req.body.version) }],
      });
      setEtag(reply, r.prompt);
      return { prompt: promptWire(r.prompt), label: labelWire(r.labels[0]!) };
    });
}
