// DELETE /v1/keys/:id — revoke a key; its next request is refused (the auth cache is cleared).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { keyWire } from '../wire.ts';
import { KeyBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'revokeKey',
  summary: 'Revoke an API key',
  tags: ['keys'],
  params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
  response: { 200: KeyBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/keys/:id', { schema }, async (req) => {
    const key = await app.registry.revokeKey(req.actor, req.params.id.toLowerCase());
    return { key: keyWire(key) };
  });
}
