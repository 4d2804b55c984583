// PATCH /api/public/v2/prompts/{name}/versions/{version} {"newLabels": [...]} — adds labels to a
// version, as Langfuse does: the labels named move here from any other version, the version keeps
// the ones it had, and nothing can be removed (`[]` changes nothing). Removal is the native API's
// (DELETE /v1/prompts/{prompt}/labels/{label}) and the UI's.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError } from '../../../model/errors.ts';
import { isNotFound } from '../fetch.ts';
import { promptWire } from '../mapping.ts';
import { checkLabels } from '../rules.ts';
import { PromptRow, errors } from '../responses.ts';

export const schema = {
  operationId: 'langfuseUpdatePromptLabels',
  summary: 'Add labels to a prompt version (Langfuse)',
  tags: ['langfuse'],
  params: Type.Object({ name: Type.String({ minLength: 1 }), version: Type.Integer({ minimum: 1 }) }),
  body: Type.Object({ newLabels: Type.Array(Type.String(), { maxItems: 100 }) }),
  response: { 200: PromptRow, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/api/public/v2/prompts/:name/versions/:version', { schema }, async (req) => {
      const { name, version } = req.params;
      const labels = [...new Set(req.body.newLabels)];
      checkLabels(labels, { allowLatest: false });
      try {
        // No label to add: nothing to write, the version as it is.
        const r = labels.length
          ? await app.registry.write(req.actor, {
              target: { kind: 'prompt', ref: { name } },
              labels: labels.map((l) => ({ name: l, to: { number: version } })),
              // Its `latest` is the newest live version, read in the same transaction.
              withSummary: labels[0],
            })
          : await app.registry.getVersionWithLatest(req.actor, { name }, { number: version });
        const latest = 'latestNumber' in r ? r.latestNumber : r.summary?.latest?.number;
        return promptWire(r.prompt, r.version!, r.version!.number === latest);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        throw new LecternError(
          { kind: 'not_found', what: 'prompt version' },
          `Prompt '${name}' version ${version} not found in project`,
        );
      }
    });
}
