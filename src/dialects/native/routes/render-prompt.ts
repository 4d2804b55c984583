// POST /v1/prompts/:prompt/render — render a stored version (by label, number or latest) with the
// caller's variables over the version's defaults. Strict: missing variables are a 422 naming them
// all; lenient: they render empty and come back in `missing` and `warnings`.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest } from '../../../model/errors.ts';
import { promptRef, versionSelector } from '../mapping.ts';
import { renderVersion, renderVersionNow } from '../render.ts';
import { promptEtag } from '../../../model/etag.ts';
import type { Actor } from '../../../model/types.ts';
import type { Registry } from '../../../registry/index.ts';
import type { EarlyReply, EarlyRequest } from '../../common/early.ts';
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

type Body = Static<typeof schema.body>;

/** The version the body names: a label or a version (both is a 400), else latest. */
function selectorOf(b: Body) {
  if (b.label !== undefined && b.version !== undefined) throw badRequest('send label or version, not both');
  return b.label !== undefined ? { label: b.label } : versionSelector(b.version ?? 'latest');
}

/** The read cache's name for the look-up (the answer itself depends on the variables). */
const memoName = (actor: Actor, ref: unknown, sel: unknown) =>
  `native:version\u0000${actor.role}\u0000${JSON.stringify(ref)}\u0000${JSON.stringify(sel)}`;

type VersionRead = Awaited<ReturnType<Registry['getVersion']>>;
type Rendered = NonNullable<ReturnType<typeof renderVersionNow>>;

/** The 200 answer from the look-up and the render. */
const answerOf = (r: VersionRead, rendered: Rendered) => ({
  prompt_id: r.prompt.id,
  prompt_name: r.prompt.name,
  version: r.version.number,
  version_id: r.version.id,
  labels: r.version.labels,
  ...rendered,
});

/**
 * The same answer without waiting, when the look-up is memoised and the render inline: the server
 * answers such a render before Fastify (server/early-posts.ts). Undefined otherwise.
 */
function answerNow(app: FastifyInstance, req: EarlyRequest): EarlyReply | undefined {
  const b = req.body as Body;
  const q = req.query as Static<typeof WorkspaceQuery>;
  const ref = promptRef((req.params as { prompt: string }).prompt, q.workspace);
  const r = app.readCache?.peek<VersionRead>(
    memoName(req.actor, ref, selectorOf(b)),
    req.actor.workspaceId ?? '*',
  );
  if (r === undefined) return undefined;
  const rendered = renderVersionNow(
    app.renderer,
    r.version,
    b.variables ?? {},
    b.mode ?? 'strict',
    req.actor.keyId,
  );
  if (rendered === undefined) return undefined;
  return { body: answerOf(r, rendered), headers: [['etag', promptEtag(r.prompt)]] };
}

export default function route(app: FastifyInstance) {
  const config = { readOnly: true, early: { answer: (req: EarlyRequest) => answerNow(app, req) } };
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompts/:prompt/render', { schema, config }, async (req, reply) => {
      const { variables, mode } = req.body;
      const sel = selectorOf(req.body);
      const ref = promptRef(req.params.prompt, req.query.workspace);
      const load = () => app.registry.getVersion(req.actor, ref, sel);
      const r = app.readCache
        ? await app.readCache.memo(memoName(req.actor, ref, sel), req.actor.workspaceId ?? '*', load)
        : await load();
      const rendered = await renderVersion(
        app.renderer,
        r.version,
        variables ?? {},
        mode ?? 'strict',
        req.actor.keyId,
      );
      setEtag(reply, r.prompt);
      return answerOf(r, rendered);
    });
}
