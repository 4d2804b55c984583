// POST /v1/workspaces — a new tenant (admin keys that span every workspace only).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { workspaceWire } from '../wire.ts';
import { NamedBody } from '../schemas.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'createWorkspace',
  summary: 'Create a workspace',
  tags: ['workspaces'],
  body: NamedBody,
  response: { 201: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/workspaces', { schema }, async (req, reply) => {
    const ws = await app.registry.createWorkspace(req.actor, {
      ...req.body,
      metadata: req.body.metadata as never,
    });
    return reply.code(201).send({ workspace: workspaceWire(ws) });
  });
}
