// PATCH /api/prompts/{prompt_id}/versions/{version}/ — edit the draft in place (every field of the
// product's page; null clears a nullable field) and/or `deploy: true` to make the version live
// (a draft is committed first). A committed version refuses content edits with 400.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { promptRefOf, versionSelectorOf } from '../ids.ts';
import { VersionParams, VersionPatchBody } from '../schemas.ts';
import { contentFromPatch } from '../version-fields.ts';
import { versionWire } from '../wire.ts';
import { VersionBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiUpdateVersion',
  summary: 'Update a prompt version (Keywords AI)',
  tags: ['keywordsai'],
  params: VersionParams,
  body: VersionPatchBody,
  response: { 200: VersionBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/api/prompts/:prompt_id/versions/:version', { schema }, async (req) => {
      const ref = promptRefOf(req.params.prompt_id);
      // The edit and the deploy are one write: a failed deploy leaves no edit behind.
      const r = await app.registry.write(req.actor, {
        target: { kind: 'prompt', ref },
        version: {
          mode: 'edit_draft',
          version: versionSelectorOf(req.params.version, ref.id),
          content: (current) => contentFromPatch(req.body, current),
        },
        ...(req.body.deploy === true
          ? { labels: [{ name: PRODUCTION_LABEL, to: 'written' as const, commitIfDraft: true }] }
          : {}),
      });
      return versionWire(r.version!, r.prompt);
    });
}
