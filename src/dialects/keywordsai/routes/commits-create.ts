// POST /api/prompts/{prompt_id}/commits/ — freeze the draft (its `description` becomes the commit
// message) and move the draft on: a copy of the committed content becomes the next draft.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { versionWire } from '../wire.ts';
import { VersionBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiCommit',
  summary: 'Commit the draft (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  body: Type.Object(
    { description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])) },
    { additionalProperties: true },
  ),
  response: { 201: VersionBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/api/prompts/:prompt_id/commits', { schema }, async (req, reply) => {
      // The commit and the new draft are one write: a concurrent delete sees both or neither.
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref: promptRefOf(req.params.prompt_id) },
        version: { mode: 'commit_draft', commitMessage: req.body.description, thenOpenDraft: true },
      });
      return reply.code(201).send(versionWire(r.version!, r.prompt));
    });
}
