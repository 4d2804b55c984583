// POST /rest/prompt-templates — create a template (version 1) or append a version to the template of
// that name, moving `release_labels` onto it. 201 with CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LecternError } from '../../../model/errors.ts';
import { PublishBody, publishInputOf } from '../publish-body.ts';
import { createdWire } from '../wire.ts';
import { CreatedBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerPublishTemplate',
  summary: 'Publish a prompt template version (PromptLayer)',
  tags: ['promptlayer'],
  body: PublishBody,
  response: { 201: CreatedBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/rest/prompt-templates', { schema }, async (req, reply) => {
      const input = await publishInputOf(app, req.actor, req.body);
      if (input.externalIds.length) {
        // Mapped in the same transaction as the version (409, and nothing written, if one is taken).
        const out = await app.registry.publishWithExternalIds(
          req.actor,
          input.prompt,
          input.onExisting,
          input.content,
          { ...input.opts, externalIds: input.externalIds },
        );
        return reply.code(201).send(createdWire(out.prompt, out.version, out.externalIds));
      }
      const publish = () =>
        app.registry.publishVersion(req.actor, input.prompt, input.onExisting, input.content, {
          ...input.opts,
          withExternalIds: true,
        });
      let out;
      try {
        out = await publish();
      } catch (e) {
        // Two first publishers of one name: the loser's insert hits the unique index; append instead.
        if (e instanceof LecternError && e.code === 'conflict') out = await publish();
        else throw e;
      }
      return reply.code(201).send(createdWire(out.prompt, out.version, out.externalIds));
    });
}
