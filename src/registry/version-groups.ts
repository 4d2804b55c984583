// Reads for APIs whose unit is the version and which treat `latest` as a label (Langfuse): one
// version with the number of the prompt's newest live version, and a page of prompts each with the
// versions that match a filter. `latest` is never stored (DESIGN: the highest live number), so it
// is computed here and a deleted newest version hands it to the next one by itself.
import { and, asc, eq, gte, inArray, isNull, lt, max, sql, type SQL } from 'drizzle-orm';
import { labels, prompts, versions } from '../store/schema.ts';
import type { Actor, Prompt } from '../model/types.ts';
import { resolveWorkspace, type RegistryContext } from './context.ts';
import { findPrompt, type PromptRef } from './prompts.ts';
import type { Expansion } from '../model/snippet-expansion.ts';
import { expandVersion } from './template-reads.ts';
import {
  findVersion,
  versionWithLabels,
  withLabelNames,
  type Resolved,
  type VersionSelector,
  type VersionView,
} from './version-reads.ts';

export const LATEST_LABEL = 'latest';

/**
 * One version (by number, label or latest) and the number of the prompt's newest live version;
 * with `expandSnippets`, its texts with every reference expanded and the resolution graph (a
 * missing, cyclic or oversized reference throws the expansion's `SnippetError` / `render_limit`).
 */
export async function getVersionWithLatest(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  sel: VersionSelector,
  opts: { expandSnippets?: boolean } = {},
): Promise<Resolved & { latestNumber: number; expanded: Expansion | null }> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  const [version, top] = await Promise.all([
    findVersion(db, prompt, sel),
    db
      .select({ n: max(versions.number) })
      .from(versions)
      .where(and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt))),
  ]);
  const expanded = opts.expandSnippets ? await expandVersion(db, actor, prompt, version) : null;
  return { prompt, version, latestNumber: top[0]?.n ?? version.number, expanded };
}

export interface VersionGroupQuery {
  workspace?: string;
  /** Exact prompt name. */
  name?: string;
  /** Versions holding this label (`latest`: the newest live version). */
  label?: string;
  /** Prompts carrying this tag. */
  tag?: string;
  version?: number;
  /** Versions updated at or after. */
  updatedFrom?: Date;
  /** Versions updated before. */
  updatedTo?: Date;
  limit: number;
  offset: number;
}

export interface VersionGroup {
  prompt: Prompt;
  /** The matching versions, oldest first; `isLatest` marks the prompt's newest live version. */
  versions: (VersionView & { isLatest: boolean })[];
}

/** Prompts (ordered by name) that have a live version matching every filter, with those versions. */
export async function listVersionGroups(
  ctx: RegistryContext,
  actor: Actor,
  q: VersionGroupQuery,
): Promise<{ items: VersionGroup[]; total: number }> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, q.workspace);
  const newest = sql`(select max(v2.number) from versions v2 where v2.prompt_id = ${versions.promptId} and v2.deleted_at is null)`;
  const versionConds: (SQL | undefined)[] = [
    isNull(versions.deletedAt),
    q.version !== undefined ? eq(versions.number, q.version) : undefined,
    q.updatedFrom ? gte(versions.updatedAt, q.updatedFrom) : undefined,
    q.updatedTo ? lt(versions.updatedAt, q.updatedTo) : undefined,
    q.label === undefined
      ? undefined
      : q.label === LATEST_LABEL
        ? sql`${versions.number} = ${newest}`
        : sql`exists (select 1 from ${labels} where ${labels.versionId} = ${versions.id} and ${labels.name} = ${q.label})`,
  ];
  const promptConds: (SQL | undefined)[] = [
    eq(prompts.workspaceId, ws.id),
    isNull(prompts.deletedAt),
    q.name !== undefined ? eq(prompts.name, q.name) : undefined,
    q.tag !== undefined ? sql`${prompts.tags} @> ${JSON.stringify([q.tag])}::jsonb` : undefined,
  ];
  const groups = await db
    .select({ p: prompts, total: sql<number>`count(*) over ()` })
    .from(prompts)
    .innerJoin(versions, eq(versions.promptId, prompts.id))
    .where(and(...promptConds, ...versionConds))
    .groupBy(prompts.id)
    .orderBy(asc(prompts.name), asc(prompts.id))
    .limit(q.limit)
    .offset(q.offset);
  if (!groups.length) {
    // Past the last page the window count is not there: count the groups on their own.
    if (q.offset === 0) return { items: [], total: 0 };
    const [c] = await db
      .select({ n: sql<number>`count(distinct ${prompts.id})` })
      .from(prompts)
      .innerJoin(versions, eq(versions.promptId, prompts.id))
      .where(and(...promptConds, ...versionConds));
    return { items: [], total: Number(c?.n ?? 0) };
  }
  const ids = groups.map((g) => g.p.id);
  const rows = await db
    .select({ ...versionWithLabels, newest })
    .from(versions)
    .where(and(inArray(versions.promptId, ids), ...versionConds))
    .orderBy(asc(versions.number));
  const byPrompt = new Map<string, VersionGroup['versions']>();
  for (const r of rows) {
    const list = byPrompt.get(r.v.promptId) ?? [];
    list.push({ ...withLabelNames(r), isLatest: Number(r.newest) === r.v.number });
    byPrompt.set(r.v.promptId, list);
  }
  return {
    items: groups.map((g) => ({ prompt: g.p, versions: byPrompt.get(g.p.id) ?? [] })),
    total: Number(groups[0]!.total),
  };
}
