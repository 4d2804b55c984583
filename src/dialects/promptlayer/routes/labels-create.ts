// POST /prompts/{prompt_id}/label — a new release label on a version (by number, or by
// prompt_version_id). A label name already on the template is a 409: moving is PATCH /prompt-labels.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { conflict } from '../../../model/errors.ts';
import { labelTargetOf } from '../mapping.ts';
import { labelWire } from '../wire.ts';
import { ReleaseLabelBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerCreateLabel',
  summary: 'Create a release label (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ prompt_id: Type.Integer({ minimum: 1 }) }),
  body: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 128 }),
    prompt_version_number: Type.Optional(Type.Integer({ minimum: 1 })),
    prompt_version_id: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  response: { 200: ReleaseLabelBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/prompts/:prompt_id/label', { schema }, async (req) => {
    const b = req.body;
    const sel = labelTargetOf(b);
    const ref = { seq: req.params.prompt_id };
    const { labels } = await app.registry.listLabels(req.actor, ref);
    if (labels.some((l) => l.name === b.name)) {
      throw conflict(
        `label ${b.name} already exists on this prompt template; move it with PATCH /prompt-labels/{id}`,
      );
    }
    const { prompt, label } = await app.registry.setLabel(req.actor, ref, b.name, sel);
    const { version } = await app.registry.getVersion(
      req.actor,
      { id: prompt.id },
      { number: label.versionNumber },
    );
    return labelWire(prompt, label, version.seq);
  });
}
