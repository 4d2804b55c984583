// PATCH /prompt-labels/{prompt_label_id} — moves a release label to another version of its template.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError } from '../../../model/errors.ts';
import { labelWire } from '../wire.ts';

export const schema = {
  summary: 'Move a release label (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ prompt_label_id: Type.Integer({ minimum: 1 }) }),
  body: Type.Object({
    prompt_version_number: Type.Optional(Type.Integer({ minimum: 1 })),
    prompt_version_id: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/prompt-labels/:prompt_label_id', { schema }, async (req) => {
      const b = req.body;
      const sel =
        b.prompt_version_number !== undefined
          ? { number: b.prompt_version_number }
          : b.prompt_version_id !== undefined
            ? { seq: b.prompt_version_id }
            : null;
      if (!sel) {
        throw new LecternError('unprocessable', 'prompt_version_number is required', {
          detail: [{ loc: ['body', 'prompt_version_number'], msg: 'Field required', type: 'missing' }],
        });
      }
      const found = await app.registry.findLabelBySeq(req.actor, req.params.prompt_label_id);
      const { prompt, label } = await app.registry.setLabel(
        req.actor,
        { id: found.prompt.id },
        found.label.name,
        sel,
      );
      const { version } = await app.registry.getVersion(
        req.actor,
        { id: prompt.id },
        { number: label.versionNumber },
      );
      return labelWire(prompt, label, version.seq);
    });
}
