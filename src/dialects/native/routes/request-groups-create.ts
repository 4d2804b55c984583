// POST /v1/request-groups — a new request group in the workspace (the native `pl.group.create`):
// 201 with the group. It takes no body (a group is an id, as in PromptLayer). Records join it
// through `group_id` when logged (POST /v1/request-logs, pl.run) or PromptLayer's track-group.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { RequestGroupBody, requestGroupWire } from '../request-group-wire.ts';

export const schema = {
  operationId: 'createRequestGroup',
  summary: 'Create a request group',
  tags: ['request-log'],
  querystring: WorkspaceQuery,
  response: { 201: RequestGroupBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/request-groups', { schema }, async (req, reply) => {
    const g = await app.registry.createRequestGroup(req.actor, req.query.workspace);
    return reply.code(201).send(requestGroupWire(g));
  });
}
