// POST /api/prompts/{prompt_id}/deployments/ — {"version": n}: make that version live (the one
// holding Lectern's `production` label); a draft is committed first.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { promptRefOf, versionSelectorOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { versionWire } from '../wire.ts';
import { VersionBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiDeploy',
  summary: 'Deploy a version (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  body: Type.Object(
    {
      version: Type.Union([
        Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        Type.String({ maxLength: 200 }),
      ]),
    },
    { additionalProperties: true },
  ),
  response: { 201: VersionBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/api/prompts/:prompt_id/deployments', { schema }, async (req, reply) => {
      const ref = promptRefOf(req.params.prompt_id);
      const sel = versionSelectorOf(String(req.body.version), ref.id);
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref },
        labels: [{ name: PRODUCTION_LABEL, to: sel, commitIfDraft: true }],
      });
      return reply.code(201).send(versionWire(r.version!, r.prompt));
    });
}
