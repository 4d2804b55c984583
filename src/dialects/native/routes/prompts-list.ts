// GET /v1/prompts — the prompts of a workspace, filtered, sorted and paginated.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageWire, promptWire } from '../wire.ts';
import { splitList } from '../mapping.ts';
import { Order, Pagination, WorkspaceQuery } from '../schemas.ts';
import { PromptPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listPrompts',
  summary: 'List prompts',
  description:
    '`q` matches names containing it (case-insensitive); `tags` (repeated or comma-separated) ' +
    'keeps prompts carrying every tag; `label` keeps prompts with a label of that name.',
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
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      is_snippet: Type.Optional(Type.Boolean()),
      project: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      sort: Type.Optional(
        Type.Union([Type.Literal('created_at'), Type.Literal('updated_at'), Type.Literal('name')], {
          default: 'created_at',
        }),
      ),
      order: Type.Optional(Order),
      ...Pagination,
    }),
  ]),
  response: { 200: PromptPage, ...errors },
};

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
      label: q.label,
      isSnippet: q.is_snippet,
      project: q.project,
      sort: { field, dir },
      limit: q.limit,
      offset: q.offset,
    });
    return pageWire(page, q, promptWire);
  });
}
