// GET /apis/models/v2/workspaces/{workspace}/prompts — a page of prompts, sorted, optionally
// filtered (bracket, JSON or text syntax). The filter becomes SQL and the database filters, sorts,
// counts and pages; only a filter on what the newest version shows (data.messages …) is evaluated
// in memory, over every candidate the rest of it leaves (no cap), as docs/compatibility.md says —
// inside the registry's one call (listPromptsWithLatest `keep`).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isFault } from '../../../model/errors.ts';
import type { Prompt } from '../../../model/types.ts';
import { NemoHttpError } from '../errors.ts';
import { evaluate, parseFilter, validateDates, type FilterRecord } from '../filter.ts';
import { sortOf } from '../list-plan.ts';
import { narrowing, toPromptFilter } from '../sql-filter.ts';
import type { PromptWithLatest } from '../../../registry/index.ts';
import { PromptListQuery, WorkspacePath, type PromptSort } from '../schemas.ts';
import { dropNulls, pageEnvelope, promptWire, type PromptWire } from '../wire.ts';
import { PromptPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoListPrompts',
  summary: 'List prompts (NeMo)',
  tags: ['nemo'],
  params: WorkspacePath,
  querystring: PromptListQuery,
  response: { 200: PromptPage, ...errors },
};

const MAX_OFFSET = 2_000_000_000;

const view = (r: PromptWithLatest, workspace: string): PromptWire =>
  promptWire(r.prompt, r.latest ?? undefined, workspace, r.project);

const record = (w: PromptWire, p: Prompt): FilterRecord => ({
  id: w.id,
  entity_type: 'prompt',
  workspace: w.workspace,
  project: w.project,
  name: w.name,
  description: w.description,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  data: w as unknown as Record<string, unknown>,
});

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/apis/models/v2/workspaces/:workspace/prompts', { schema, config }, async (req) => {
      const { workspace } = req.params;
      const { page, page_size: pageSize } = req.query;
      const sort = req.query.sort as PromptSort;
      const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      const pairs = [...new URLSearchParams(rawQuery).entries()].filter(
        ([k]) => k === 'filter' || k.startsWith('filter['),
      );
      const tree = parseFilter(pairs);
      validateDates(tree);
      const where = tree ? toPromptFilter(tree, workspace) : { and: [] };
      // A filter on what the newest version shows: SQL narrows, the registry keeps what `evaluate` says.
      const keep = where
        ? undefined
        : (r: PromptWithLatest) => evaluate(tree!, record(view(r, workspace), r.prompt));
      const offset = Math.min((page - 1) * pageSize, MAX_OFFSET);
      const r = await app.registry
        .listPromptsWithLatest(req.actor, {
          workspace,
          sort: sortOf(sort),
          where: where ?? narrowing(tree!, workspace),
          keep,
          limit: pageSize,
          offset,
        })
        .catch((err: unknown) => {
          throw isFault(err, 'workspace_not_found')
            ? new NemoHttpError(404, `Workspace '${workspace}' not found`)
            : err;
        });
      return pageEnvelope(
        r.items.map((row) => dropNulls(view(row, workspace))),
        r.total,
        page,
        pageSize,
        sort,
      );
    });
}
