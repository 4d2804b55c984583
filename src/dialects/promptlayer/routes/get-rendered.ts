// POST /prompt-templates/{identifier} — the version to run: by `label` (which wins over `version`),
// `version`, or latest; snippets expanded, `input_variables` rendered, llm_kwargs built.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { JsonObject } from '../../../model/types.ts';
import { selectorOf } from '../mapping.ts';
import { readTemplate } from '../lookup.ts';
import { serveVersion } from '../runtime.ts';
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

/** Answers are kept by the read cache (server/read-cache.ts) unless variables are rendered. */
const config = { cacheable: { when: withoutVariables } };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompt-templates/:identifier', { schema, config: { ...config, readOnly: true } }, async (req) => {
      const b = req.body ?? {};
      const read = await readTemplate(
        app,
        req.actor,
        req.params.identifier,
        selectorOf(b.version, b.label),
        true,
      );
      const { prompt, version } = read;
      const served = await serveVersion(app, req.actor, read, {
        variables: (b.input_variables as JsonObject | null | undefined) ?? null,
        render: !b.skip_input_variable_rendering,
        llmKwargs: true,
        provider: b.provider,
        model: b.model,
        overrides: b.model_parameter_overrides as JsonObject | null | undefined,
      });
      return {
        success: true,
        id: prompt.seq,
        prompt_name: prompt.name,
        tags: prompt.tags,
        workspace_id: read.workspaceSeq,
        commit_message: version.commitMessage,
        metadata: served.metadata,
        prompt_template: served.prompt_template,
        llm_kwargs: served.llm_kwargs,
        provider_base_url: null,
        version: version.number,
        prompt_version_id: version.seq,
        snippets: served.snippets,
        warning: served.warning,
      };
    });
}
