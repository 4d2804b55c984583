// POST /prompts/{prompt_id}/label — a new release label on a version (by number, or by
// prompt_version_id). A label name already on the template is a 409: moving is PATCH /prompt-labels.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
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
    // Checked and created under the template's lock: of two creates of one name, one gets 409
    // (`label_exists`, rendered in errors.ts).
    const { prompt, labels } = await app.registry.write(req.actor, {
      target: { kind: 'prompt', ref: { seq: req.params.prompt_id } },
      labels: [{ name: b.name, to: sel, createOnly: true }],
    });
    return labelWire(prompt, labels[0]!, labels[0]!.versionSeq);
  });
}
