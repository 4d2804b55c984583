// GET /v1/audit — the append-only audit log of a workspace (or, for an all-workspace key naming
// none, the whole log), newest first.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { auditWire, pageWire } from '../wire.ts';
import { Pagination, WorkspaceQuery } from '../schemas.ts';
import { AuditPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listAuditEvents',
  summary: 'List audit events',
  tags: ['audit'],
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      ...Pagination,
    }),
  ]),
  response: { 200: AuditPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/audit', { schema }, async (req) => {
    const q = req.query;
    const page = await app.registry.listAudit(req.actor, {
      workspace: q.workspace,
      entityId: q.entity_id,
      action: q.action,
      limit: q.limit,
      offset: q.offset,
    });
    return pageWire(page, q, auditWire);
  });
}
