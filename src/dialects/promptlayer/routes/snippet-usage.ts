// GET /prompt-templates/{identifier}/snippet-usage — which templates (versions, labels) reference
// this snippet. Scans the workspace's templates: fine for registries of hundreds of templates.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findPromptByIdentifier } from '../lookup.ts';
import { IdentifierParams } from '../schemas.ts';
import { tagsOfContent } from '../snippets.ts';
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
      const snippet = await findPromptByIdentifier(app, req.actor, req.params.identifier);
      const ref = { id: snippet.id };
      const wanted = req.query.prompt_version_number;
      const latest = (await app.registry.getVersion(req.actor, ref, { latest: true }).catch(() => null))
        ?.version.number;
      const snippetLabels = new Map(
        (await app.registry.listLabels(req.actor, ref)).labels.map((l) => [l.name, l.versionNumber]),
      );
      const usage = [];
      const labelUsage = [];
      const { items } = await app.registry.listPrompts(req.actor, { limit: 100_000, offset: 0 });
      for (const p of items) {
        if (p.id === snippet.id) continue;
        const { items: versions } = await app.registry.listVersions(
          req.actor,
          { id: p.id },
          { limit: 100_000, offset: 0, order: 'asc' },
        );
        const numbers: number[] = [];
        const labelled: string[] = [];
        for (const v of versions) {
          const uses = tagsOfContent(v).some((tag) => {
            if (tag.name !== snippet.name) return false;
            if (wanted === undefined) return true;
            const resolved = tag.version ?? (tag.label !== undefined ? snippetLabels.get(tag.label) : latest);
            return resolved === wanted;
          });
          if (uses) {
            numbers.push(v.number);
            labelled.push(...v.labels);
          }
        }
        if (numbers.length)
          usage.push({ prompt_registry_id: p.seq, prompt_name: p.name, version_numbers: numbers });
        for (const l of labelled.sort())
          labelUsage.push({ prompt_registry_id: p.seq, prompt_name: p.name, label_name: l });
      }
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
