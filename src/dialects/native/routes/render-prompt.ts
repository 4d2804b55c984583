// POST /v1/prompts/:prompt/render — render a stored version (by label, number or latest) with the
// caller's variables over the version's defaults. Strict: missing variables are a 422 naming them
// all; lenient: they render empty and come back in `missing` and `warnings`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest } from '../../../model/errors.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { renderVersion } from '../render.ts';
import { setEtag } from '../http.ts';
import { Obj, PromptParams, RenderMode, VersionRef, WorkspaceQuery } from '../schemas.ts';
import { RenderedVersion, errors } from '../responses.ts';

export const schema = {
  operationId: 'renderPrompt',
  summary: 'Render a prompt',
  tags: ['render'],
  params: PromptParams,
  querystring: WorkspaceQuery,
  body: Type.Object(
    {
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      version: Type.Optional(VersionRef),
      variables: Type.Optional(Obj),
      mode: Type.Optional(RenderMode),
    },
    { additionalProperties: false },
  ),
  response: { 200: RenderedVersion, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/render', { schema, config: { readOnly: true } }, async (req, reply) => {
      const { label, version, variables, mode } = req.body;
      if (label !== undefined && version !== undefined) throw badRequest('send label or version, not both');
      const sel = label !== undefined ? { label } : versionSelector(version ?? 'latest');
      const ref = promptRef(req.params.prompt, req.query.workspace);
      const load = () => app.registry.getVersion(req.actor, ref, sel);
      // The look-up is memoised in the read cache (the answer itself depends on the variables).
      const r = app.readCache
        ? await app.readCache.memo(
            `native:version\u0000${req.actor.role}\u0000${JSON.stringify(ref)}\u0000${JSON.stringify(sel)}`,
            req.actor.workspaceId ?? '*',
            load,
          )
        : await load();
      const rendered = await renderVersion(
        app.renderer,
        r.version,
        variables ?? {},
        mode ?? 'strict',
        req.actor.keyId,
      );
      setEtag(reply, r.prompt);
      return {
        prompt_id: r.prompt.id,
        prompt_name: r.prompt.name,
        version: r.version.number,
        version_id: r.version.id,
        labels: r.version.labels,
        ...rendered,
      };
    });
}
