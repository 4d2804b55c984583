// GET /v1/keys — API keys (never their secret or hash: the prefix identifies a key).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { keyWire, pageWire } from '../wire.ts';
import { Pagination } from '../schemas.ts';
import { KeyPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listKeys',
  summary: 'List API keys',
  tags: ['keys'],
  querystring: Type.Object({ include_revoked: Type.Optional(Type.Boolean()), ...Pagination }),
  response: { 200: KeyPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/keys', { schema }, async (req) => {
    const q = req.query;
    const page = await app.registry.listKeys(req.actor, {
      limit: q.limit,
      offset: q.offset,
      includeRevoked: q.include_revoked,
    });
    return pageWire(page, q, keyWire);
  });
}
