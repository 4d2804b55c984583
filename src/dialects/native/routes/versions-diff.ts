// GET /v1/prompts/:prompt/diff?from=N&to=M — what changed between two versions' content.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { versionWire } from '../wire.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { diffVersions } from '../diff.ts';
import { setEtag } from '../http.ts';
import { PromptParams, VersionRef, WorkspaceQuery } from '../schemas.ts';
import { Diff, errors } from '../responses.ts';

export const schema = {
  operationId: 'diffVersions',
  summary: 'Diff two versions',
  description:
    'Changes from `from` to `to` (numbers or `latest`) as JSON-pointer paths over the content ' +
    'fields: `{path, op: added|removed|changed, from?, to?}`.',
  tags: ['versions'],
  params: PromptParams,
  querystring: Type.Composite([WorkspaceQuery, Type.Object({ from: VersionRef, to: VersionRef })]),
  response: { 200: Diff, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/prompts/:prompt/diff', { schema }, async (req, reply) => {
    const ref = promptRef(req.params.prompt, req.query.workspace);
    const a = await app.registry.getVersion(req.actor, ref, versionSelector(req.query.from));
    // The second read names the prompt by id: a rename in between cannot switch prompts.
    const b = await app.registry.getVersion(req.actor, { id: a.prompt.id }, versionSelector(req.query.to));
    setEtag(reply, b.prompt);
    return {
      prompt_id: a.prompt.id,
      from: a.version.number,
      to: b.version.number,
      changes: diffVersions(versionWire(a.version), versionWire(b.version)),
    };
  });
}
