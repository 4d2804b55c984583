// POST /v1/keys — mint an API key. The secret is in this response and nowhere else, ever.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { keyWire } from '../wire.ts';
import { Nullable } from '../schemas.ts';
import { CreatedKey, errors } from '../responses.ts';

export const schema = {
  operationId: 'createKey',
  summary: 'Create an API key',
  description:
    'Admin only. `secret` is shown once; Lectern keeps only its hash. Without `workspace`, an ' +
    'admin key spans every workspace and other roles belong to the caller’s (or `default`).',
  tags: ['keys'],
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      role: Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer')]),
      workspace: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
    },
    { additionalProperties: false },
  ),
  response: { 201: CreatedKey, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/keys', { schema }, async (req, reply) => {
    const { key, secret } = await app.registry.createKey(req.actor, req.body);
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ key: keyWire(key), secret });
  });
}
