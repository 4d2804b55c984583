// POST /rest/prompt-templates — create a template (version 1) or append a version to the template of
// that name, moving `release_labels` onto it. 201 with CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PublishBody, publishFailure, publishInputOf, publishPlan } from '../publish-body.ts';
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
      const input = publishInputOf(req.body);
      // One write: find-or-create the template, check its snippets, append the version, move the
      // labels and map the external ids (409, and nothing written, if one is taken). Two first
      // publishers of one name are sorted out by the registry (the loser appends).
      const out = await app.registry
        .write(
          req.actor,
          publishPlan(input, { kind: 'publish', prompt: input.prompt, onExisting: input.onExisting }),
        )
        .catch((e: unknown) => {
          throw publishFailure(e);
        });
      return reply.code(201).send(createdWire(out.prompt, out.version!, out.externalIds));
    });
}
