// GET /apis/models/v2/workspaces/{workspace}/prompts — a page of prompts, sorted, optionally
// filtered (bracket, JSON or text syntax). The filter becomes SQL and the database filters, sorts,
// counts and pages; only a filter on what the newest version shows (data.messages …) is evaluated
// in memory, over every candidate the rest of it leaves (no cap), as docs/compatibility.md says.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LecternError } from '../../../model/errors.ts';
import type { Prompt } from '../../../model/types.ts';
import { NemoHttpError } from '../errors.ts';
import { evaluate, parseFilter, validateDates, type FilterRecord } from '../filter.ts';
import { sortOf } from '../list-plan.ts';
import { narrowing, toPromptFilter } from '../sql-filter.ts';
import { projectNames, promptViews } from '../lookup.ts';
import { PromptListQuery, WorkspacePath, type PromptSort } from '../schemas.ts';
import { dropNulls, pageEnvelope, type PromptWire } from '../wire.ts';
import { PromptPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoListPrompts',
  summary: 'List prompts (NeMo)',
  tags: ['nemo'],
  params: WorkspacePath,
  querystring: PromptListQuery,
  response: { 200: PromptPage, ...errors },
};

const CHUNK = 1000;
const MAX_OFFSET = 2_000_000_000;

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
      try {
        await app.registry.getWorkspace(req.actor, workspace);
      } catch (err) {
        if (err instanceof LecternError && err.code === 'not_found') {
          throw new NemoHttpError(404, `Workspace '${workspace}' not found`);
        }
        throw err;
      }
      const base = { workspace, sort: sortOf(sort) };
      const projects = await projectNames(app, req.actor, workspace);
      const where = tree ? toPromptFilter(tree, workspace) : { and: [] };
      if (where) {
        const offset = Math.min((page - 1) * pageSize, MAX_OFFSET);
        const r = await app.registry.listPrompts(req.actor, { ...base, where, limit: pageSize, offset });
        const views = await promptViews(app, req.actor, workspace, r.items, projects);
        return pageEnvelope(views.map(dropNulls), r.total, page, pageSize, sort);
      }
      // Some part of the filter reads the newest version: narrow in SQL, decide in memory.
      const narrowed = { ...base, where: narrowing(tree!, workspace) };
      const kept: PromptWire[] = [];
      for (let offset = 0; ; offset += CHUNK) {
        const r = await app.registry.listPrompts(req.actor, { ...narrowed, limit: CHUNK, offset });
        const views = await promptViews(app, req.actor, workspace, r.items, projects);
        views.forEach((w, i) => {
          if (evaluate(tree!, record(w, r.items[i]!))) kept.push(w);
        });
        if (r.items.length < CHUNK) break;
      }
      const start = (page - 1) * pageSize;
      return pageEnvelope(
        kept.slice(start, start + pageSize).map(dropNulls),
        kept.length,
        page,
        pageSize,
        sort,
      );
    });
}
