// GET /v1/prompts — the prompts of a workspace, filtered, sorted and paginated.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageWire, promptWire } from '../wire.ts';
import { splitList } from '../mapping.ts';
import { Order, Pagination, TemplateFormat, WorkspaceQuery } from '../schemas.ts';
import { PromptPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listPrompts',
  summary: 'List prompts',
  description:
    '`q` matches names containing it (case-insensitive); `search` matches names, tags or the ' +
    "latest version's template text; `tags` (repeated or comma-separated) keeps prompts carrying " +
    'every tag; `prefix` keeps names starting with it (a folder: `support/`); `label` keeps prompts with a label of that name, `no_label` those without one; ' +
    "`template_format` is the latest version's; `updated_after` / `updated_before` bound `updated_at` (inclusive).",
  tags: ['prompts'],
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      status: Type.Optional(
        Type.Union([Type.Literal('active'), Type.Literal('deleted'), Type.Literal('all')], {
          default: 'active',
        }),
      ),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      q: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100 })),
      search: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      no_label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      template_format: Type.Optional(TemplateFormat),
      updated_after: Type.Optional(Type.String({ format: 'date-time' })),
      updated_before: Type.Optional(Type.String({ format: 'date-time' })),
      is_snippet: Type.Optional(Type.Boolean()),
      project: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      sort: Type.Optional(
        Type.Union(
          [
            Type.Literal('created_at'),
            Type.Literal('updated_at'),
            Type.Literal('name'),
            Type.Literal('latest_version'),
          ],
          {
            default: 'created_at',
          },
        ),
      ),
      order: Type.Optional(Order),
      ...Pagination,
    }),
  ]),
  response: { 200: PromptPage, ...errors },
};

/**
 * A search counts at most this many matches: past it the total says "1,000+"
 * (`total_is_lower_bound`), and a term every template holds costs a page, not a count of them all.
 */
export const SEARCH_TOTAL_BOUND = 1000;

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/prompts', { schema, config }, async (req) => {
    const q = req.query;
    const field = q.sort ?? 'created_at';
    // Names read naturally A→Z; timestamps newest first.
    const dir = q.order ?? (field === 'name' ? 'asc' : 'desc');
    const page = await app.registry.listPrompts(req.actor, {
      workspace: q.workspace,
      status: q.status,
      name: q.name,
      nameContains: q.q,
      tags: q.tags ? splitList(q.tags) : undefined,
      search: q.search,
      searchTotalBound: SEARCH_TOTAL_BOUND,
      namePrefix: q.prefix,
      label: q.label,
      labelAbsent: q.no_label,
      templateFormat: q.template_format,
      updatedAfter: q.updated_after ? new Date(q.updated_after) : undefined,
      updatedBefore: q.updated_before ? new Date(q.updated_before) : undefined,
      isSnippet: q.is_snippet,
      project: q.project,
      sort: { field: field === 'latest_version' ? 'last_version' : field, dir },
      limit: q.limit,
      offset: q.offset,
    });
    // Set by a search only (its count is bounded); other lists keep the pagination they always had.
    return pageWire(page, q, promptWire);
  });
}
