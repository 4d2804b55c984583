// PATCH /api/prompts/{prompt_id}/versions/{version}/ — edit the draft in place (every field of the
// product's page; null clears a nullable field) and/or `deploy: true` to make the version live
// (a draft is committed first). A committed version refuses content edits with 400.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, LecternError } from '../../../model/errors.ts';
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
      let sel = versionSelectorOf(req.params.version, ref.id);
      if (!('number' in sel))
        sel = { number: (await app.registry.getVersion(req.actor, ref, sel)).version.number };
      const number = sel.number;
      try {
        await app.registry.editDraft(req.actor, ref, number, {
          content: (current) => contentFromPatch(req.body, current),
        });
      } catch (e) {
        if (e instanceof LecternError && e.code === 'conflict' && e.details.readonly) {
          throw badRequest(
            `Version ${number} is read-only (committed); only the draft can be edited. Create a new version to change it.`,
          );
        }
        throw e;
      }
      if (req.body.deploy === true) {
        await app.registry.setLabel(req.actor, ref, PRODUCTION_LABEL, { number }, { commitIfDraft: true });
      }
      const r = await app.registry.getVersion(req.actor, ref, { number });
      return versionWire(r.version, r.prompt);
    });
}
