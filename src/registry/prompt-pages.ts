// A page of prompts (or one prompt) with what a list shows beside each: its newest version and its project's name.
// A condition SQL cannot decide (NeMo filters on what the newest version shows) comes as `keep`:
// SQL narrows with the rest of the query, the candidates are read in chunks, and the page is cut
// from the kept rows — all inside this one call, so a list route stays parse, one call, map.
import { and, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { projects } from '../store/schema.ts';
import type { Actor, Page, Prompt } from '../model/types.ts';
import type { RegistryContext } from './context.ts';
import { findPrompt, listPrompts, type PromptListQuery, type PromptRef } from './prompts.ts';
import { summariesOf } from './version-summaries.ts';
import type { VersionView } from './version-reads.ts';

export interface PromptWithLatest {
  prompt: Prompt;
  /** The newest live version, or null. */
  latest: VersionView | null;
  /** The name of the prompt's (live) project, or null. */
  project: string | null;
}

export interface PromptPageQuery extends PromptListQuery {
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

async function withLatest(db: Executor, actor: Actor, ps: Prompt[]): Promise<PromptWithLatest[]> {
  const [sums, names] = await Promise.all([
    summariesOf(
      db,
      actor,
      ps.map((p) => p.id),
      undefined,
    ),
    projectNamesOf(db, ps),
  ]);
  return ps.map((p) => ({
    prompt: p,
    latest: sums.get(p.id)?.latest ?? null,
    project: p.projectId ? (names.get(p.projectId) ?? null) : null,
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
  const { keep, ...query } = q;
  if (!keep) {
    const r = await listPrompts(ctx, actor, query);
    return { items: await withLatest(db, actor, r.items), total: r.total };
  }
  const kept: PromptWithLatest[] = [];
  for (let offset = 0; ; offset += CHUNK) {
    const r = await listPrompts(ctx, actor, { ...query, limit: CHUNK, offset });
    for (const row of await withLatest(db, actor, r.items)) if (keep(row)) kept.push(row);
    if (r.items.length < CHUNK) break;
  }
  return { items: kept.slice(q.offset, q.offset + q.limit), total: kept.length };
}
