// POST /api/prompts/ — create a prompt; an empty body creates "Untitled" (the old SDK sends none).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { nameMetadata } from '../service.ts';
import { promptWire } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiCreatePrompt',
  summary: 'Create a prompt (Keywords AI)',
  tags: ['keywordsai'],
  body: Type.Object(
    {
      name: Type.Optional(Type.String({ maxLength: 500 })),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
      prompt_slug: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
      starred: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: true },
  ),
  response: { 201: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/prompts', { schema }, async (req, reply) => {
    const b = req.body;
    const wanted = b.name?.trim() ? b.name : 'Untitled';
    const base = {
      ...(b.prompt_slug ? { prompt_slug: b.prompt_slug } : {}),
      ...(b.starred !== undefined ? { starred: b.starred } : {}),
    };
    const { prompt } = await app.registry.write(req.actor, {
      target: {
        kind: 'create',
        prompt: (stored) => ({
          name: stored,
          description: b.description ?? '',
          metadata: nameMetadata(base, wanted, stored),
        }),
      },
      // A repeated name is stored as "<name> (n)" and shown as asked (see service.ts nameMetadata).
      allocateName: wanted,
    });
    return reply.code(201).send(promptWire(prompt, { current: null, live: null, commitCount: 0 }));
  });
}
