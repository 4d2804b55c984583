// PATCH /prompt-labels/{prompt_label_id} — moves a release label to another version of its template.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { labelTargetOf } from '../mapping.ts';
import { labelWire } from '../wire.ts';
import { ReleaseLabelBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerMoveLabel',
  summary: 'Move a release label (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ prompt_label_id: Type.Integer({ minimum: 1 }) }),
  body: Type.Object({
    prompt_version_number: Type.Optional(Type.Integer({ minimum: 1 })),
    prompt_version_id: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  response: { 200: ReleaseLabelBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/prompt-labels/:prompt_label_id', { schema }, async (req) => {
      const b = req.body;
      const sel = labelTargetOf(b);
      const { prompt, labels } = await app.registry.write(req.actor, {
        target: { kind: 'label', seq: req.params.prompt_label_id },
        labels: [{ to: sel }],
      });
      return labelWire(prompt, labels[0]!, labels[0]!.versionSeq);
    });
}
