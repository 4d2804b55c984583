// GET /prompt-templates — a page of templates, each with its latest version (or the version holding
// `label`), in PromptLayer's Flask-SQLAlchemy pagination envelope.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../../model/errors.ts';
import type { ExternalIdPageQuery, PromptWithExternalIds } from '../../../registry/index.ts';
import { metadataWire, templateWire } from '../mapping.ts';
import { externalIdWire } from '../wire.ts';
import { List, errors } from '../responses.ts';

export const MAX_PER_PAGE = 500;

export const schema = {
  operationId: 'promptlayerListTemplates',
  summary: 'List prompt templates (PromptLayer)',
  tags: ['promptlayer'],
  querystring: Type.Object({
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 30 })),
    label: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('deleted'), Type.Literal('all')])),
    sort_by: Type.Optional(
      Type.Union([
        Type.Literal('created_at'),
        Type.Literal('updated_at'),
        Type.Literal('name'),
        Type.Literal('id'),
      ]),
    ),
    sort_order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    is_snippet: Type.Optional(Type.Boolean()),
    created_after: Type.Optional(Type.String({ format: 'date-time' })),
    created_before: Type.Optional(Type.String({ format: 'date-time' })),
    updated_after: Type.Optional(Type.String({ format: 'date-time' })),
    updated_before: Type.Optional(Type.String({ format: 'date-time' })),
    external_source: Type.Optional(Type.String()),
    external_id: Type.Optional(Type.String()),
    created_by_email: Type.Optional(Type.String()),
    workspace_id: Type.Optional(Type.Integer()),
  }),
  response: { 200: List, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/prompt-templates', { schema, config }, async (req) => {
    const q = req.query;
    const page = q.page ?? 1;
    const perPage = q.per_page ?? 30;
    if ((q.external_source === undefined) !== (q.external_id === undefined)) {
      throw badRequest('external_source and external_id must be given together');
    }
    const date = (s?: string) => (s === undefined ? undefined : new Date(s));
    const query: ExternalIdPageQuery = {
      status: q.status ?? 'active',
      nameContains: q.name || undefined,
      tags: q.tags,
      label: q.label,
      isSnippet: q.is_snippet,
      createdAfter: date(q.created_after),
      createdBefore: date(q.created_before),
      updatedAfter: date(q.updated_after),
      updatedBefore: date(q.updated_before),
      // Ids grow with creation time, so `id` sorts like created_at (ties broken by id).
      sort: {
        field: q.sort_by === 'id' || q.sort_by === undefined ? 'created_at' : q.sort_by,
        dir: q.sort_order ?? 'desc',
      },
      limit: perPage,
      offset: (page - 1) * perPage,
    };
    // An external id names at most one live template: the page is that one (when the other
    // filters keep it) or empty. Lectern keeps no author e-mails: that filter matches nothing.
    if (q.external_source !== undefined && q.external_id !== undefined) {
      query.externalId = { source: q.external_source, externalId: q.external_id };
    }
    const { items, total, workspaceSeq } =
      q.created_by_email !== undefined
        ? { items: [], total: 0, workspaceSeq: 0 }
        : await app.registry.listPromptsWithExternalIds(req.actor, query);
    const out = items.map((row) => itemWire(row, workspaceSeq));
    const pages = Math.ceil(total / perPage);
    return {
      items: out,
      page,
      per_page: perPage,
      pages,
      total,
      has_next: page < pages,
      has_prev: page > 1,
      next_num: page < pages ? page + 1 : null,
      prev_num: page > 1 ? page - 1 : null,
    };
  });
}

/** A deleted template is listed (status=deleted|all) without its content. */
function itemWire({ prompt: p, version, externalIds }: PromptWithExternalIds, workspaceSeq: number) {
  return {
    id: p.seq,
    prompt_name: p.name,
    tags: p.tags,
    folder_id: null,
    parent_folder_name: null,
    full_folder_path: null,
    workspace_id: workspaceSeq,
    is_snippet: p.isSnippet,
    status: p.deletedAt ? 'deleted' : 'active',
    prompt_template: version ? templateWire(version) : null,
    version: version?.number ?? null,
    prompt_version_id: version?.seq ?? null,
    commit_message: version?.commitMessage ?? null,
    metadata: version ? metadataWire(version) : null,
    llm_kwargs: null,
    external_ids: externalIds.map(externalIdWire),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
