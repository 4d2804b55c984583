// GET and PUT /v1/request-log/settings — the workspace's request-log settings: `store_bodies`
// false keeps every record's metrics without its request, response and variables.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';

const Settings = Type.Object({ store_bodies: Type.Boolean() });

export const getSchema = {
  operationId: 'getRequestLogSettings',
  summary: "Get the workspace's request-log settings",
  tags: ['request-log'],
  response: { 200: Settings, ...errors },
};

export const putSchema = {
  operationId: 'setRequestLogSettings',
  summary: "Set the workspace's request-log settings (admin)",
  tags: ['request-log'],
  body: Type.Object({ store_bodies: Type.Boolean() }, { additionalProperties: false }),
  response: { 200: Settings, ...errors },
};

export default function route(app: FastifyInstance) {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get('/request-log/settings', { schema: getSchema }, async (req) => {
    const s = await app.registry.getRequestLogSettings(req.actor);
    return { store_bodies: s.storeBodies };
  });
  typed.put('/request-log/settings', { schema: putSchema }, async (req) => {
    const s = await app.registry.setRequestLogSettings(req.actor, { storeBodies: req.body.store_bodies });
    return { store_bodies: s.storeBodies };
  });
}
