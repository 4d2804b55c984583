// The prompt list in its three forms: GET /api/prompts/, GET /api/prompts/list/ and
// POST /api/prompts/list/ (with a `filters` body). Query: page, page_size (≤ 100), sort_by; the GET
// forms also take `name` (partial match) and `starred`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseFilters, parseSort, type ParsedFilters } from '../filters.ts';
import { listQuery } from '../list-query.ts';
import { absoluteUrl, drfPage, parsePage } from '../pagination.ts';
import { stateOf } from '../service.ts';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { promptWire } from '../wire.ts';
import { PromptPage, errors } from '../responses.ts';

const Query = Type.Object(
  {
    page: Type.Optional(Type.String({ maxLength: 20 })),
    page_size: Type.Optional(Type.String({ maxLength: 20 })),
    sort_by: Type.Optional(Type.String({ maxLength: 100 })),
    name: Type.Optional(Type.String({ maxLength: 500 })),
    starred: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: true },
);

const FilterBody = Type.Object(
  {
    filters: Type.Optional(Type.Unknown()),
    operator: Type.Optional(Type.Unknown()),
    page: Type.Optional(Type.Integer({ minimum: 1 })),
    page_size: Type.Optional(Type.Integer({ minimum: 1 })),
    sort_by: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: true },
);

export const getSchema = {
  operationId: 'keywordsaiListPrompts',
  summary: 'List prompts (Keywords AI)',
  tags: ['keywordsai'],
  querystring: Query,
  response: { 200: PromptPage, ...errors },
};
// Each route gets its own response map: Fastify rewrites a route's map in place as it compiles it.
export const postSchema = {
  ...getSchema,
  operationId: 'keywordsaiListPromptsPost',
  body: FilterBody,
  response: { ...getSchema.response },
};

/** GET forms: `name` is a partial match and `starred` an equality, as the old SDK sent them. */
export function queryFilters(q: { name?: string; starred?: string }): ParsedFilters {
  const filters: Record<string, unknown> = {};
  if (q.name) filters.name = { operator: 'icontains', value: [q.name] };
  if (q.starred !== undefined) filters.starred = { operator: '', value: [q.starred] };
  return parseFilters(filters, 'AND');
}

/** The registry query (filter, sort) for a list or summary request; the database does the work. */
export function queryOf(f: ParsedFilters, sortBy: unknown) {
  return listQuery(f, parseSort(sortBy));
}

async function listPage(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  q: { page?: unknown; page_size?: unknown; sort_by?: unknown },
  f: ParsedFilters,
) {
  const page = parsePage(q, { default: 25, max: 100 });
  const query = queryOf(f, q.sort_by);
  // The page with each row's version state (newest, live, commit count) in one call.
  const r = await app.registry.listPromptsWithLatest(req.actor, {
    ...query,
    limit: page.limit,
    offset: page.offset,
    summaryLabel: PRODUCTION_LABEL,
  });
  return drfPage(
    absoluteUrl(req, reply),
    page,
    r.total,
    r.items.map(({ prompt: p, summary }) => promptWire(p, stateOf(p.deletedAt ? undefined : summary))),
  );
}

export default function route(app: FastifyInstance) {
  const typed = app.withTypeProvider<import('@fastify/type-provider-typebox').TypeBoxTypeProvider>();
  // Only the plain path is cached (as before the rules moved into the routes); the alias is its own
  // operation in /openapi.json (operation ids are unique).
  const paths = [
    ['/api/prompts', getSchema, true],
    [
      '/api/prompts/list',
      { ...getSchema, operationId: 'keywordsaiListPromptsAlias', response: { ...getSchema.response } },
      false,
    ],
  ] as const;
  for (const [path, schema, cacheable] of paths) {
    typed.get(path, { schema, config: { cacheable } }, async (req, reply) =>
      listPage(app, req, reply, req.query, queryFilters(req.query)),
    );
  }
  typed.post('/api/prompts/list', { schema: postSchema, config: { readOnly: true } }, async (req, reply) => {
    const b = req.body;
    // Query parameters win over the same names in the body.
    const q = {
      page: req.query.page ?? b.page,
      page_size: req.query.page_size ?? b.page_size,
      sort_by: req.query.sort_by ?? b.sort_by,
    };
    return listPage(app, req, reply, q, parseFilters(b.filters, b.operator));
  });
}
