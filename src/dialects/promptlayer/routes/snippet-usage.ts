// GET /prompt-templates/{identifier}/snippet-usage — which templates (versions, labels) reference
// this snippet: one registry call (the registry finds the versions that reference it in SQL).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { identifierRef, templateMissing } from '../lookup.ts';
import { IdentifierParams } from '../schemas.ts';
import { SnippetUsage, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerSnippetUsage',
  summary: 'Snippet usage (PromptLayer)',
  tags: ['promptlayer'],
  params: IdentifierParams,
  querystring: Type.Object({ prompt_version_number: Type.Optional(Type.Integer({ minimum: 1 })) }),
  response: { 200: SnippetUsage, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompt-templates/:identifier/snippet-usage', { schema }, async (req) => {
      const { identifier } = req.params;
      const { snippet, users } = await app.registry
        .snippetUsage(req.actor, identifierRef(identifier), { version: req.query.prompt_version_number })
        .catch(templateMissing(identifier));
      const usage = users.map((u) => ({
        prompt_registry_id: u.prompt.seq,
        prompt_name: u.prompt.name,
        version_numbers: u.versionNumbers,
      }));
      const labelUsage = users.flatMap((u) =>
        u.labels.map((l) => ({
          prompt_registry_id: u.prompt.seq,
          prompt_name: u.prompt.name,
          label_name: l,
        })),
      );
      return {
        success: true,
        message: 'Snippet usage retrieved',
        snippet_name: snippet.name,
        snippet_usage: usage,
        total_prompts_using_snippet: usage.length,
        label_usage: labelUsage,
        total_labels_using_snippet: labelUsage.length,
      };
    });
}
