// POST /prompt-templates/{identifier} — the version to run: by `label` (which wins over `version`),
// `version`, or latest; snippets expanded, `input_variables` rendered, llm_kwargs built.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { JsonObject } from '../../../model/types.ts';
import type { TemplateRead } from '../../../registry/index.ts';
import type { EarlyReply, EarlyRequest } from '../../common/early.ts';
import { selectorOf } from '../mapping.ts';
import { memoisedTemplate, readTemplate } from '../lookup.ts';
import { serveVersion, serveVersionNow, type RuntimeOptions, type Served } from '../runtime.ts';
import { IdentifierParams } from '../schemas.ts';
import { Rendered, errors } from '../responses.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** Cached only when nothing is rendered: the answer then depends on the stored version alone. */
const withoutVariables = (body: unknown): boolean =>
  body === undefined ||
  body === null ||
  (typeof body === 'object' &&
    !Array.isArray(body) &&
    ((body as Record<string, unknown>).input_variables === undefined ||
      (body as Record<string, unknown>).input_variables === null));

export const schema = {
  operationId: 'promptlayerGetTemplateForRun',
  summary: 'Get a prompt template for run time (PromptLayer)',
  tags: ['promptlayer'],
  params: IdentifierParams,
  body: Type.Union([
    Type.Object({
      version: Nullable(Type.Integer({ minimum: 1 })),
      label: Nullable(Type.String({ minLength: 1 })),
      provider: Nullable(Type.String()),
      model: Nullable(Type.String()),
      input_variables: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
      model_parameter_overrides: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
      metadata_filters: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
      skip_input_variable_rendering: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    }),
    Type.Null(),
  ]),
  response: { 200: Rendered, ...errors },
};

type Body = Static<typeof schema.body>;

/** What the body asks to be served (the same for the handler and the early answer). */
const optionsOf = (b: NonNullable<Body>): RuntimeOptions => ({
  variables: (b.input_variables as JsonObject | null | undefined) ?? null,
  render: !b.skip_input_variable_rendering,
  llmKwargs: true,
  provider: b.provider,
  model: b.model,
  overrides: b.model_parameter_overrides as JsonObject | null | undefined,
});

/** The 200 answer from the read and what was served of it. */
const answerOf = (read: TemplateRead, served: Served) => ({
  success: true,
  id: read.prompt.seq,
  prompt_name: read.prompt.name,
  tags: read.prompt.tags,
  workspace_id: read.workspaceSeq,
  commit_message: read.version.commitMessage,
  metadata: served.metadata,
  prompt_template: served.prompt_template,
  llm_kwargs: served.llm_kwargs,
  provider_base_url: null,
  version: read.version.number,
  prompt_version_id: read.version.seq,
  snippets: served.snippets,
  warning: served.warning,
});

/**
 * The same answer without waiting, when everything it needs is in memory now (the read memoised,
 * the render inline): the server answers such a render before Fastify (server/early-posts.ts).
 * Undefined otherwise — the request then goes through Fastify and the handler below.
 */
function answerNow(app: FastifyInstance, req: EarlyRequest): EarlyReply | undefined {
  const b = (req.body ?? {}) as NonNullable<Body>;
  const identifier = (req.params as { identifier: string }).identifier;
  const read = memoisedTemplate(app, req.actor, identifier, selectorOf(b.version, b.label), true);
  if (read === undefined) return undefined;
  const served = serveVersionNow(app, req.actor, read, optionsOf(b));
  return served && { body: answerOf(read, served) };
}

export default function route(app: FastifyInstance) {
  // Answers are kept by the read cache (server/read-cache.ts) unless variables are rendered.
  const config = {
    cacheable: { when: withoutVariables },
    readOnly: true,
    early: { answer: (req: EarlyRequest) => answerNow(app, req) },
  };
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompt-templates/:identifier', { schema, config }, async (req) => {
      const b = req.body ?? {};
      const read = await readTemplate(
        app,
        req.actor,
        req.params.identifier,
        selectorOf(b.version, b.label),
        true,
      );
      return answerOf(read, await serveVersion(app, req.actor, read, optionsOf(b)));
    });
}
