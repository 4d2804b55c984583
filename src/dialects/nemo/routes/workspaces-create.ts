// POST /apis/entities/v2/workspaces — create a workspace (admin keys only); 409 on a taken name.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf } from '../entity-errors.ts';
import { NemoHttpError } from '../errors.ts';
import { NamedBody } from '../schemas.ts';
import { workspaceWire } from '../wire.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoCreateWorkspace',
  summary: 'Create a workspace (NeMo)',
  tags: ['nemo'],
  body: NamedBody,
  response: { 201: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/apis/entities/v2/workspaces', { schema }, async (req, reply) => {
      try {
        const w = await app.registry.createWorkspace(req.actor, {
          name: req.body.name,
          description: req.body.description ?? null,
        });
        return reply.code(201).send(workspaceWire(w));
      } catch (err) {
        if (codeOf(err) === 'conflict')
          throw new NemoHttpError(409, `Workspace '${req.body.name}' already exists`);
        throw err;
      }
    });
}
