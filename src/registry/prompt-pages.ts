// A page of prompts (or one prompt) with what a list shows beside each: its newest version and its
// project's name; or (a template list) the version a label holds, its external ids and the
// workspace's seq.
// A condition SQL cannot decide (NeMo filters on what the newest version shows) comes as `keep`:
// SQL narrows with the rest of the query, the candidates are read in chunks, and the page is cut
// from the kept rows — all inside this one call, so a list route stays parse, one call, map.
import { and, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { projects } from '../store/schema.ts';
import type { Actor, Page, Prompt } from '../model/types.ts';
import { resolveWorkspace, type RegistryContext } from './context.ts';
import { externalIdsOf, findMapping, type ExternalId, type ExternalIdKey } from './external-ids.ts';
import { findPrompt, listPrompts, listPromptsOf, type PromptListQuery, type PromptRef } from './prompts.ts';
import { summariesOf, type VersionSummary } from './version-summaries.ts';
import type { VersionView } from './version-reads.ts';

export interface PromptWithLatest {
  prompt: Prompt;
  /** The newest live version, or null. */
  latest: VersionView | null;
  /** The name of the prompt's (live) project, or null. */
  project: string | null;
  /** Its version summary: newest, the version holding the query's `summaryLabel`, live count. */
  summary: VersionSummary | undefined;
}

export interface PromptPageQuery extends PromptListQuery {
  /** The label whose version each row's `summary.labelled` holds (a list's "live version"). */
  summaryLabel?: string;
  /**
   * Keeps only the rows this accepts; it sees every candidate the rest of the query leaves (no
   * cap), and `limit`/`offset`/`total` then count kept rows.
   */
  keep?: (row: PromptWithLatest) => boolean;
}

/** Candidates read per statement when `keep` decides. */
const CHUNK = 1000;

async function projectNamesOf(db: Executor, ps: Prompt[]): Promise<Map<string, string>> {
  const ids = [...new Set(ps.flatMap((p) => (p.projectId ? [p.projectId] : [])))];
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(and(inArray(projects.id, ids), isNull(projects.deletedAt)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function withLatest(
  db: Executor,
  actor: Actor,
  ps: Prompt[],
  summaryLabel?: string,
): Promise<PromptWithLatest[]> {
  const [sums, names] = await Promise.all([
    summariesOf(
      db,
      actor,
      ps.map((p) => p.id),
      summaryLabel,
    ),
    projectNamesOf(db, ps),
  ]);
  return ps.map((p) => ({
    prompt: p,
    latest: sums.get(p.id)?.latest ?? null,
    project: p.projectId ? (names.get(p.projectId) ?? null) : null,
    summary: sums.get(p.id),
  }));
}

/** One prompt with its newest version and its project's name (NeMo's single-prompt read). */
export async function getPromptWithLatest(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
): Promise<PromptWithLatest> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  return (await withLatest(db, actor, [prompt]))[0]!;
}

export async function listPromptsWithLatest(
  ctx: RegistryContext,
  actor: Actor,
  q: PromptPageQuery,
): Promise<Page<PromptWithLatest>> {
  const db = ctx.store.db;
  const { keep, summaryLabel, ...query } = q;
  if (!keep) {
    const r = await listPrompts(ctx, actor, query);
    return { items: await withLatest(db, actor, r.items, summaryLabel), total: r.total };
  }
  const kept: PromptWithLatest[] = [];
  for (let offset = 0; ; offset += CHUNK) {
    const r = await listPrompts(ctx, actor, { ...query, limit: CHUNK, offset });
    for (const row of await withLatest(db, actor, r.items, summaryLabel)) if (keep(row)) kept.push(row);
    if (r.items.length < CHUNK) break;
  }
  return { items: kept.slice(q.offset, q.offset + q.limit), total: kept.length };
}

export interface PromptWithExternalIds {
  prompt: Prompt;
  /** The version holding the query's `label` (else the newest live one); null for a deleted prompt. */
  version: VersionView | null;
  externalIds: ExternalId[];
}

export interface ExternalIdPageQuery extends PromptListQuery {
  /** Only the live prompt this pair names (an empty page when it names none). */
  externalId?: ExternalIdKey;
}

/**
 * A page of prompts with each one's shown version and external ids, and the workspace's seq
 * (PromptLayer's template list): one call, the workspace resolved once for all of it.
 */
export async function listPromptsWithExternalIds(
  ctx: RegistryContext,
  actor: Actor,
  q: ExternalIdPageQuery,
): Promise<Page<PromptWithExternalIds> & { workspaceSeq: number }> {
  const db = ctx.store.db;
  const { externalId, ...query } = q;
  const ws = await resolveWorkspace(db, actor, q.workspace);
  if (externalId) {
    const mapped = await findMapping(db, ws.id, externalId);
    if (!mapped) return { items: [], total: 0, workspaceSeq: ws.seq };
    const only = { field: 'id', op: 'eq', value: mapped.prompt.id } as const;
    query.where = query.where ? { and: [query.where, only] } : only;
  }
  const page = await listPromptsOf(db, ws, query);
  const live = page.items.filter((p) => !p.deletedAt).map((p) => p.id);
  const [ids, sums] = await Promise.all([
    externalIdsOf(
      ctx,
      actor,
      page.items.map((p) => p.id),
    ),
    summariesOf(db, actor, live, q.label),
  ]);
  return {
    items: page.items.map((p) => {
      const s = p.deletedAt ? undefined : sums.get(p.id);
      return {
        prompt: p,
        version: (q.label ? s?.labelled : s?.latest) ?? null,
        externalIds: ids.get(p.id) ?? [],
      };
    }),
    total: page.total,
    workspaceSeq: ws.seq,
  };
}
