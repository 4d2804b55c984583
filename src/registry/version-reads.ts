// Reading versions: one version by number, seq, label or "latest", a prompt's version list, and the
// newest version of many prompts at once. No writes here (see version-writes.ts and write.ts).
import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { statementShapes } from '../store/statement-shapes.ts';
import { labels, versions } from '../store/schema.ts';
import { labelNotFound, versionNotFound } from '../model/errors.ts';
import type { Actor, Page, Prompt, Version } from '../model/types.ts';
import { findPrompt, type PromptRef } from './prompts.ts';
import type { RegistryContext } from './context.ts';

export type VersionSelector = { number: number } | { label: string } | { latest: true } | { seq: number };

export interface VersionView extends Version {
  labels: string[];
}

export interface Resolved {
  prompt: Prompt;
  version: VersionView;
}

async function labelsOf(db: Executor, versionIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!versionIds.length) return out;
  const rows = await db
    .select({ versionId: labels.versionId, name: labels.name })
    .from(labels)
    .where(inArray(labels.versionId, versionIds))
    .orderBy(asc(labels.name));
  for (const r of rows) {
    const list = out.get(r.versionId) ?? [];
    list.push(r.name);
    out.set(r.versionId, list);
  }
  return out;
}

export async function withLabels(db: Executor, vs: Version[], promptId?: string): Promise<VersionView[]> {
  if (!vs.length) return [];
  let map: Map<string, string[]>;
  if (vs.length === 1) map = await labelsOf(db, [vs[0]!.id]);
  else {
    // Many versions of one prompt: read that prompt's labels once.
    const rows = await db
      .select({ versionId: labels.versionId, name: labels.name })
      .from(labels)
      .where(eq(labels.promptId, promptId ?? vs[0]!.promptId))
      .orderBy(asc(labels.name));
    map = new Map();
    for (const r of rows) map.set(r.versionId, [...(map.get(r.versionId) ?? []), r.name]);
  }
  return vs.map((v) => ({ ...v, labels: map.get(v.id) ?? [] }));
}

/** A version row with the names of its labels (sorted), read in the same statement. */
export const versionWithLabels = {
  v: versions,
  // Spelled out: drizzle drops table qualifiers in single-table selects, and an unqualified "id"
  // inside the subquery would be the label's.
  labels: sql<
    string[]
  >`array(select vl.name from labels vl where vl.version_id = "versions"."id" order by vl.name)`,
};
export const withLabelNames = (r: { v: Version; labels: string[] }): VersionView => ({
  ...r.v,
  labels: r.labels,
});

type VersionRow = { v: Version; labels: string[] };

/** findVersion's statements, one shape per kind of selector, built once (store/statement-shapes.ts). */
const versionBy = statementShapes<VersionRow[]>((by) => (db, p) => {
  const live = and(eq(versions.promptId, p('prompt')), isNull(versions.deletedAt));
  if (by === 'label')
    return db
      .select(versionWithLabels)
      .from(labels)
      .innerJoin(versions, eq(versions.id, labels.versionId))
      .where(and(eq(labels.promptId, p('prompt')), eq(labels.name, p('key'))));
  if (by === 'latest')
    return db.select(versionWithLabels).from(versions).where(live).orderBy(desc(versions.number)).limit(1);
  return db
    .select(versionWithLabels)
    .from(versions)
    .where(and(live, by === 'number' ? eq(versions.number, p('key')) : eq(versions.seq, p('key'))));
});

/** Finds one live version of a prompt with its labels, in one round trip; 404 names what was asked for. */
export async function findVersion(db: Executor, prompt: Prompt, sel: VersionSelector): Promise<VersionView> {
  const by = 'number' in sel ? 'number' : 'seq' in sel ? 'seq' : 'label' in sel ? 'label' : 'latest';
  const key = 'number' in sel ? sel.number : 'seq' in sel ? sel.seq : 'label' in sel ? sel.label : null;
  const [row] = await versionBy(by).run(db, { prompt: prompt.id, key });
  if (!row) {
    if ('number' in sel)
      throw versionNotFound({ version: sel.number }, `version ${sel.number} not found`, {
        version: sel.number,
      });
    if ('seq' in sel)
      throw versionNotFound({ versionId: sel.seq }, `version ${sel.seq} not found`, { version_id: sel.seq });
    if ('label' in sel) throw labelNotFound({ label: sel.label }, `label ${sel.label} not found`);
    throw versionNotFound({}, 'version (the prompt has none) not found');
  }
  return withLabelNames(row);
}

export async function getVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  sel: VersionSelector,
): Promise<Resolved> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  return { prompt, version: await findVersion(db, prompt, sel) };
}

/** Two versions of one prompt (a diff's ends), the prompt found once: a rename cannot split them. */
export async function getVersionPair(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  from: VersionSelector,
  to: VersionSelector,
): Promise<{ prompt: Prompt; from: VersionView; to: VersionView }> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  const [a, b] = await Promise.all([findVersion(db, prompt, from), findVersion(db, prompt, to)]);
  return { prompt, from: a, to: b };
}

/** A version found by its global seq alone (PromptLayer's prompt_version_id). */
export async function getVersionBySeq(ctx: RegistryContext, actor: Actor, seq: number): Promise<Resolved> {
  const db = ctx.store.db;
  const row = (
    await db
      .select()
      .from(versions)
      .where(and(eq(versions.seq, seq), isNull(versions.deletedAt)))
  )[0];
  if (!row) throw versionNotFound({ versionId: seq }, `version ${seq} not found`);
  const prompt = await findPrompt(db, actor, { id: row.promptId });
  return { prompt, version: (await withLabels(db, [row]))[0]! };
}

export async function listVersions(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  q: { limit: number; offset: number; order?: 'asc' | 'desc' },
): Promise<Page<VersionView> & { prompt: Prompt }> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  const where = and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt));
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(versions)
      .where(where)
      .orderBy(q.order === 'asc' ? asc(versions.number) : desc(versions.number))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(versions).where(where),
  ]);
  return { prompt, items: await withLabels(db, rows, prompt.id), total: Number(total[0]?.n ?? 0) };
}

export interface PromptWithVersions {
  prompt: Prompt;
  /** The newest live versions first, at most `limit`. */
  versions: VersionView[];
  /** Live versions in all. */
  total: number;
  /** The version holding `label` (when one was asked for and it is held), wherever it is in the list. */
  labelled: VersionView | null;
}

/**
 * A prompt with its newest versions, how many it has, and the version holding a label — what a
 * prompt page shows (Keywords AI's current, live and version list), in one call.
 */
export async function promptWithVersions(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  q: { limit: number; label?: string },
): Promise<PromptWithVersions> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  const where = and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt));
  const [rows, total, held] = await Promise.all([
    db.select(versionWithLabels).from(versions).where(where).orderBy(desc(versions.number)).limit(q.limit),
    db.select({ n: count() }).from(versions).where(where),
    q.label === undefined
      ? []
      : db
          .select(versionWithLabels)
          .from(labels)
          .innerJoin(versions, eq(versions.id, labels.versionId))
          .where(and(eq(labels.promptId, prompt.id), eq(labels.name, q.label))),
  ]);
  return {
    prompt,
    versions: rows.map(withLabelNames),
    total: Number(total[0]?.n ?? 0),
    labelled: held[0] ? withLabelNames(held[0]) : null,
  };
}
