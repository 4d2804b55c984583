// GET /v1/prompts/:prompt/resolve?label=…|version=… — the hot path applications call at run time:
// the prompt and the version a label (or number, or latest) points at, with a conditional GET.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest } from '../../../model/errors.ts';
import { resolvedWire } from '../wire.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { withEtag } from '../http.ts';
import { NotModified } from '../../common/schema.ts';
import { PromptParams, VersionRef, WorkspaceQuery } from '../schemas.ts';
import { Resolved, errors } from '../responses.ts';

export const schema = {
  operationId: 'resolvePrompt',
  summary: 'Resolve a prompt to a version',
  description:
    'By `label` or `version` (a number or `latest`); neither means latest. ' +
    'Send If-None-Match with the last ETag to get 304 while nothing changed.',
  tags: ['versions'],
  params: PromptParams,
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      version: Type.Optional(VersionRef),
    }),
  ]),
  response: { 200: Resolved, 304: NotModified, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompts/:prompt/resolve', { schema, config }, async (req, reply) => {
      const { label, version, workspace } = req.query;
      if (label !== undefined && version !== undefined) throw badRequest('send label or version, not both');
      const sel = label !== undefined ? { label } : versionSelector(version ?? 'latest');
      const r = await app.registry.getVersion(req.actor, promptRef(req.params.prompt, workspace), sel);
      if (withEtag(req, reply, r.prompt)) return reply;
      return resolvedWire(r);
    });
}
