// A page of prompts' version state in three statements, whatever the page size: each prompt's
// newest version, the version holding a given label (when one is asked for), and how many live
// versions it has. This is the one way to read "prompts with their current version". List
// routes (Keywords AI shows current_version, live_version and commit_count on every row) use this
// instead of one version query per row.
import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor, Version } from '../model/types.ts';
import { labels, prompts, versions } from '../store/schema.ts';
import type { Executor } from '../store/db.ts';
import type { RegistryContext } from './context.ts';
import type { VersionView } from './version-reads.ts';

export interface VersionSummary {
  /** The newest live version (a draft, if the prompt has one), or null. */
  latest: VersionView | null;
  /** The version holding the label asked for, or null. */
  labelled: VersionView | null;
  /** Live (not deleted) versions. */
  count: number;
}

// Spelled out: drizzle drops table qualifiers in single-table selects, and an unqualified "id"
// inside the subquery would be the label's.
const labelNames = sql<
  string[]
>`array(select vl.name from labels vl where vl.version_id = "versions"."id" order by vl.name)`;
const view = (r: { v: Version; labels: string[] }): VersionView => ({ ...r.v, labels: r.labels });

/** Summaries of the prompts this actor can see among `promptIds` (others are left out). */
export function versionSummariesOf(
  ctx: RegistryContext,
  actor: Actor,
  promptIds: string[],
  label?: string,
): Promise<Map<string, VersionSummary>> {
  return summariesOf(ctx.store.db, actor, promptIds, label);
}

/** The same, on any executor (a write returns the summary it leaves, read in its transaction). */
export async function summariesOf(
  db: Executor,
  actor: Actor,
  promptIds: string[],
  label: string | undefined,
  sequential = false,
): Promise<Map<string, VersionSummary>> {
  const out = new Map<string, VersionSummary>();
  if (!promptIds.length) return out;
  const visible =
    actor.workspaceId === null
      ? inArray(versions.promptId, promptIds)
      : and(inArray(versions.promptId, promptIds), eq(prompts.workspaceId, actor.workspaceId));
  const live = and(visible, isNull(versions.deletedAt));
  const qLatest = () =>
    db
      .selectDistinctOn([versions.promptId], { v: versions, labels: labelNames })
      .from(versions)
      .innerJoin(prompts, eq(prompts.id, versions.promptId))
      .where(live)
      .orderBy(versions.promptId, desc(versions.number));
  const qLabelled = async () =>
    label === undefined
      ? []
      : db
          .select({ v: versions, labels: labelNames })
          .from(versions)
          .innerJoin(prompts, eq(prompts.id, versions.promptId))
          .innerJoin(labels, and(eq(labels.versionId, versions.id), eq(labels.name, label)))
          .where(live);
  const qCounts = () =>
    db
      .select({ promptId: versions.promptId, n: count() })
      .from(versions)
      .innerJoin(prompts, eq(prompts.id, versions.promptId))
      .where(live)
      .groupBy(versions.promptId);
  // In a transaction (one connection) the three run one after another; on the pool, in parallel.
  const [latest, labelled, counts] = sequential
    ? [await qLatest(), await qLabelled(), await qCounts()]
    : await Promise.all([qLatest(), qLabelled(), qCounts()]);
  const entry = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { latest: null, labelled: null, count: 0 }));
    return s;
  };
  for (const r of latest) entry(r.v.promptId).latest = view(r);
  for (const r of labelled) entry(r.v.promptId).labelled = view(r);
  for (const r of counts) entry(r.promptId).count = Number(r.n);
  return out;
}
