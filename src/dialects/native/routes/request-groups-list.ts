// GET /v1/request-groups — the workspace's request groups, newest first, each with its record
// count; keyset-paginated (`next_cursor`) like the request-log list.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { RequestGroupPage, requestGroupWire } from '../request-group-wire.ts';

export const schema = {
  operationId: 'listRequestGroups',
  summary: 'List request groups',
  tags: ['request-log'],
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    }),
  ]),
  response: { 200: RequestGroupPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/request-groups', { schema }, async (req) => {
    const q = req.query;
    const page = await app.registry.listRequestGroups(req.actor, {
      workspace: q.workspace,
      cursor: q.cursor,
      limit: q.limit,
    });
    return { data: page.items.map(requestGroupWire), next_cursor: page.nextCursor };
  });
}
