// GET /prompt-templates/{identifier} — the stored version (no variable rendering), by `version` or
// `label` (not both), snippets expanded unless resolve_snippets=false, llm_kwargs on request.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import { selectorOf } from '../mapping.ts';
import { readTemplate } from '../lookup.ts';
import { serveVersion } from '../runtime.ts';
import { IdentifierParams } from '../schemas.ts';
import { Raw, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerGetTemplate',
  summary: 'Get a prompt template as stored (PromptLayer)',
  tags: ['promptlayer'],
  params: IdentifierParams,
  querystring: Type.Object({
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    label: Type.Optional(Type.String({ minLength: 1 })),
    resolve_snippets: Type.Optional(Type.Boolean({ default: true })),
    include_llm_kwargs: Type.Optional(Type.Boolean({ default: false })),
  }),
  response: { 200: Raw, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompt-templates/:identifier', { schema, config }, async (req) => {
      const q = req.query;
      if (q.version !== undefined && q.label !== undefined) {
        throw badRequest('version and label are mutually exclusive');
      }
      const read = await readTemplate(
        app,
        req.actor,
        req.params.identifier,
        selectorOf(q.version, q.label),
        q.resolve_snippets !== false,
      );
      const { prompt, version } = read;
      const served = await serveVersion(app, req.actor, read, {
        render: false,
        llmKwargs: q.include_llm_kwargs === true,
      });
      return {
        success: true,
        id: prompt.seq,
        prompt_name: prompt.name,
        version: version.number,
        prompt_version_id: version.seq,
        workspace_id: read.workspaceSeq,
        prompt_template: served.prompt_template,
        snippets: served.snippets,
        metadata: served.metadata,
        commit_message: version.commitMessage,
        tags: prompt.tags,
        created_at: version.createdAt.toISOString(),
        llm_kwargs: served.llm_kwargs,
      };
    });
}
