// GET /api/public/v2/prompts/{name}?version=N | ?label=L [&resolve=false] — one prompt version as
// the SDKs fetch it (`%2F` in the name is a folder: Fastify decodes it into the one param).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import { fetchPrompt } from '../fetch.ts';
import { Prompt, errors } from '../responses.ts';

export const schema = {
  operationId: 'langfuseGetPrompt',
  summary: 'Get a prompt version (Langfuse)',
  description:
    'By `version` or `label` (not both); neither means `production`. References are resolved ' +
    'unless `resolve=false`.',
  tags: ['langfuse'],
  params: Type.Object({ name: Type.String({ minLength: 1 }) }),
  querystring: Type.Object({
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    label: Type.Optional(Type.String({ minLength: 1 })),
    resolve: Type.Optional(Type.Boolean({ default: true })),
  }),
  response: { 200: Prompt, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/api/public/v2/prompts/:name', { schema, config }, async (req) => {
      const { version, label, resolve } = req.query;
      if (version !== undefined && label !== undefined)
        throw badRequest('Cannot specify both version and label');
      return fetchPrompt(app, req.actor, req.params.name, { version, label, resolve: resolve !== false });
    });
}
