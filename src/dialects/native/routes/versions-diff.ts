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
    const { prompt, from, to } = await app.registry.getVersionPair(
      req.actor,
      ref,
      versionSelector(req.query.from),
      versionSelector(req.query.to),
    );
    setEtag(reply, prompt);
    return {
      prompt_id: prompt.id,
      from: from.number,
      to: to.number,
      changes: diffVersions(versionWire(from), versionWire(to)),
    };
  });
}
