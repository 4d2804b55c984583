// GET /api/public/v2/prompts — prompt names with the versions matching the filters, grouped per
// name and ordered by name, paged (`meta`, and `pagination` for older SDKs).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import type { VersionGroup } from '../../../registry/index.ts';
import { configOf, LATEST } from '../mapping.ts';
import { PromptMetaList, errors } from '../responses.ts';

export const schema = {
  operationId: 'langfuseListPrompts',
  summary: 'List prompts (Langfuse)',
  tags: ['langfuse'],
  querystring: Type.Object({
    name: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    tag: Type.Optional(Type.String()),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
    fromUpdatedAt: Type.Optional(Type.String({ format: 'date-time' })),
    toUpdatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  }),
  response: { 200: PromptMetaList, ...errors },
};

const dateOf = (s: string | undefined, field: string): Date | undefined => {
  if (s === undefined) return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw badRequest(`${field} must be an ISO-8601 date-time`, { field });
  return d;
};

function metaOf(g: VersionGroup) {
  const last = g.versions[g.versions.length - 1]!;
  const labels = new Set<string>();
  let updated = last.updatedAt;
  for (const v of g.versions) {
    for (const l of v.labels) labels.add(l);
    if (v.isLatest) labels.add(LATEST);
    if (v.updatedAt > updated) updated = v.updatedAt;
  }
  return {
    name: g.prompt.name,
    type: last.templateType === 'completion' ? ('text' as const) : ('chat' as const),
    versions: g.versions.map((v) => v.number),
    labels: [...labels].sort(),
    tags: g.prompt.tags,
    lastUpdatedAt: updated.toISOString(),
    lastConfig: configOf(last),
  };
}

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/api/public/v2/prompts', { schema, config }, async (req) => {
      const q = req.query;
      const { items, total } = await app.registry.listVersionGroups(req.actor, {
        name: q.name,
        label: q.label,
        tag: q.tag,
        version: q.version,
        updatedFrom: dateOf(q.fromUpdatedAt, 'fromUpdatedAt'),
        updatedTo: dateOf(q.toUpdatedAt, 'toUpdatedAt'),
        limit: q.limit,
        offset: (q.page - 1) * q.limit,
      });
      const meta = {
        page: q.page,
        limit: q.limit,
        totalItems: total,
        totalPages: Math.ceil(total / q.limit),
      };
      return { data: items.filter((g) => g.versions.length).map(metaOf), meta, pagination: { ...meta } };
    });
}
