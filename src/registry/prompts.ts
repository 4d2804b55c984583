// Prompt use cases: create, find, list, rename/describe, soft-delete and restore.
import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  like,
  inArray,
  isNotNull,
  isNull,
  lt,
  notInArray,
  sql,
  type SQL,
} from 'drizzle-orm';
import { alias, unionAll } from 'drizzle-orm/pg-core';
import type { Executor, Tx } from '../store/db.ts';
import { statementShapes } from '../store/statement-shapes.ts';
import {
  auditEvents,
  labels,
  projects,
  promptCounts,
  prompts,
  versions,
  workspaces,
} from '../store/schema.ts';
import {
  badRequest,
  isPromptMissing,
  LecternError,
  promptNotFound,
  workspaceNotFound,
} from '../model/errors.ts';
import { checkIfMatch } from '../model/etag.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, JsonObject, Page, Prompt, TemplateType, Workspace } from '../model/types.ts';
import { DEFAULT_WORKSPACE } from '../model/types.ts';
import {
  compilePromptFilter,
  nameExpr,
  PromptFilterError,
  type DisplayNameAlias,
  type PromptFilter,
} from './prompt-filter.ts';
import {
  audit,
  canSeeWorkspace,
  inTx,
  requireRole,
  resolveWorkspace,
  snapshot,
  type AuditEntry,
  type Recorder,
  type RegistryContext,
} from './context.ts';

/**
 * A prompt is named by its UUID, its integer seq, or its name within a workspace; `seqOrName` is
 * an identifier that means the prompt with that seq when it is a positive integer the actor can
 * see, else the prompt of that name (PromptLayer's `{identifier}`).
 */
export type PromptRef =
  | { id: string }
  | { seq: number }
  | { name: string; workspace?: string }
  | { seqOrName: string; workspace?: string };

/** The seq a `seqOrName` identifier names, when it is a positive integer. */
export function seqOfIdentifier(identifier: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(identifier) ? Number(identifier) : undefined;
}

export interface PromptInput {
  workspace?: string;
  name: string;
  description?: string | null;
  tags?: string[];
  project?: string | null;
  kind?: TemplateType;
  isSnippet?: boolean;
  metadata?: JsonObject;
}

export interface PromptListQuery {
  workspace?: string;
  status?: 'active' | 'deleted' | 'all';
  name?: string;
  nameContains?: string;
  tags?: string[];
  label?: string;
  /** Names starting with this (a folder of the UI: "support/" holds "support/reply"). */
  namePrefix?: string;
  /** Keeps prompts with no label of this name (the UI's "label absent" filter). */
  labelAbsent?: string;
  /** Case-insensitive substring of the name, a tag, or the latest version's template text. */
  search?: string;
  /**
   * With `search`: count its matches only up to this many; past it the page's `total` is this
   * bound and `totalIsLowerBound` is set (the native list and the UI: "1,000+"). Unset, the total
   * is exact — what the vendor dialects' lists promise.
   */
  searchTotalBound?: number;
  /** The latest version's template format. */
  templateFormat?: 'mustache' | 'jinja2' | 'f-string';
  isSnippet?: boolean;
  project?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  updatedAfter?: Date;
  updatedBefore?: Date;
  /** A filter tree compiled to SQL (see prompt-filter.ts); combined with the fields above by AND. */
  where?: PromptFilter;
  /** When set, `name` in `where` and in the sort means the dialect's display name (see prompt-filter.ts). */
  displayName?: DisplayNameAlias;
  /** Ties always break on seq, in the same direction. */
  sort?: { field: 'created_at' | 'updated_at' | 'name' | 'seq' | 'last_version'; dir: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

/** A prompt with its workspace's seq (PromptLayer's integer `workspace_id`), read in the same statement. */
export interface PromptInWorkspace {
  prompt: Prompt;
  workspaceSeq: number;
}

/** Finds a prompt the actor may see; `lock` takes a row lock that serialises writers on it. */
export async function findPrompt(
  db: Executor,
  actor: Actor,
  ref: PromptRef,
  opts: { lock?: boolean; includeDeleted?: boolean } = {},
): Promise<Prompt> {
  return (await findPromptInWorkspace(db, actor, ref, opts)).prompt;
}

/**
 * The same look-up, with the workspace's seq from the join that finds the prompt: one read gives
 * both (a caller that shows the workspace's integer id needs no second look-up).
 */
export async function findPromptInWorkspace(
  db: Executor,
  actor: Actor,
  ref: PromptRef,
  opts: { lock?: boolean; includeDeleted?: boolean } = {},
): Promise<PromptInWorkspace> {
  const live = opts.includeDeleted ? undefined : isNull(prompts.deletedAt);
  if ('seqOrName' in ref) {
    const named = { name: ref.seqOrName, workspace: ref.workspace };
    const seq = seqOfIdentifier(ref.seqOrName);
    if (seq === undefined) return findPromptByName(db, actor, named, live, opts.lock);
    try {
      return await findPromptInWorkspace(db, actor, { seq }, opts);
    } catch (e) {
      if (!isPromptMissing(e)) throw e;
      return findPromptByName(db, actor, named, live, opts.lock);
    }
  }
  if (!('id' in ref) && !('seq' in ref)) return findPromptByName(db, actor, ref, live, opts.lock);
  const shape = byKey(`${'id' in ref ? 'id' : 'seq'}|${live ? 'live' : 'any'}|${opts.lock ? 'lock' : ''}`);
  const [row] = await shape.run(db, { key: 'id' in ref ? ref.id : ref.seq });
  if (!row || !canSeeWorkspace(actor, row.p.workspaceId)) throw promptNotFound(describeRef(ref));
  return { prompt: row.p, workspaceSeq: row.wsSeq };
}

type PromptRow = { p: Prompt; wsSeq: number };

/**
 * The look-up statements, one shape per variant (by id | seq | name in a workspace given by id |
 * name; live only or any; locked or not), built once (store/statement-shapes.ts). Only the prompt
 * row is locked (`for update of prompts`): locking the workspace row would serialise every writer
 * of the workspace.
 */
const byKey = statementShapes<PromptRow[]>((key) => (db, p) => {
  const [by, live, lock] = key.split('|');
  const inWorkspace =
    by === 'name.wsid'
      ? eq(workspaces.id, p('ws'))
      : by === 'name.wsname'
        ? eq(workspaces.name, p('ws'))
        : undefined;
  const found =
    by === 'id'
      ? eq(prompts.id, p('key'))
      : by === 'seq'
        ? eq(prompts.seq, p('key'))
        : eq(prompts.name, p('key'));
  const q = db
    .select({ p: prompts, wsSeq: workspaces.seq })
    .from(prompts)
    .innerJoin(
      workspaces,
      inWorkspace
        ? and(eq(workspaces.id, prompts.workspaceId), inWorkspace, isNull(workspaces.deletedAt))
        : eq(workspaces.id, prompts.workspaceId),
    )
    .where(and(found, live === 'live' ? isNull(prompts.deletedAt) : undefined))
    .orderBy(desc(prompts.createdAt))
    .limit(1);
  return lock ? q.for('update', { of: prompts }) : q;
});

/**
 * A prompt by name: the workspace and the prompt in one round trip (the hot path of writes and
 * uncached reads). On a miss the workspace is resolved on its own, so the error still says whether
 * the workspace or the prompt is missing.
 */
async function findPromptByName(
  db: Executor,
  actor: Actor,
  ref: { name: string; workspace?: string },
  live: SQL | undefined,
  lock: boolean | undefined,
): Promise<PromptInWorkspace> {
  const byId = Boolean(actor.workspaceId && !ref.workspace);
  const shape = byKey(`name.${byId ? 'wsid' : 'wsname'}|${live ? 'live' : 'any'}|${lock ? 'lock' : ''}`);
  const [row] = await shape.run(db, {
    key: ref.name,
    ws: byId ? actor.workspaceId : (ref.workspace ?? DEFAULT_WORKSPACE),
  });
  if (row && canSeeWorkspace(actor, row.p.workspaceId)) return { prompt: row.p, workspaceSeq: row.wsSeq };
  await resolveWorkspace(db, actor, ref.workspace); // throws when the workspace is the missing part
  throw promptNotFound(ref.name);
}

/**
 * Locks a prompt for a write (serialising writers on it), records the change and checks the
 * caller's If-Match. Given several refs, the first that names a prompt the actor can see is locked.
 */
export async function lockPrompt(
  tx: Tx,
  rec: Recorder,
  actor: Actor,
  ref: PromptRef | readonly PromptRef[],
  ifMatch: string | undefined,
): Promise<Prompt> {
  const refs = Array.isArray(ref) ? (ref as readonly PromptRef[]) : [ref as PromptRef];
  let p: Prompt | undefined;
  for (const [i, r] of refs.entries()) {
    try {
      p = await findPrompt(tx, actor, r, { lock: true });
      break;
    } catch (e) {
      if (!isPromptMissing(e) || i === refs.length - 1) throw e;
    }
  }
  if (!p) throw promptNotFound('', {});
  rec({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
  checkIfMatch(p, ifMatch);
  return p;
}

function describeRef(ref: PromptRef): string {
  return 'id' in ref
    ? ref.id
    : 'seq' in ref
      ? String(ref.seq)
      : 'seqOrName' in ref
        ? ref.seqOrName
        : ref.name;
}

export async function projectIdFor(db: Executor, workspaceId: string, name: string | null | undefined) {
  if (name === undefined || name === null) return name ?? null;
  const row = (
    await db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.workspaceId, workspaceId), eq(projects.name, name), isNull(projects.deletedAt)))
  )[0];
  if (!row) {
    throw new LecternError({ kind: 'project_missing', project: name }, `project ${name} does not exist`, {
      project: name,
    });
  }
  return row.id;
}

/**
 * Inserts a prompt inside an open transaction (also used by version publishing) and records the
 * change. The workspace row is share-locked until commit, so a concurrent workspace delete (which
 * locks it for update before it counts the live prompts) either sees this prompt or makes this
 * insert find no workspace: never a live prompt in a deleted workspace.
 */
export async function insertPrompt(tx: Tx, rec: Recorder, actor: Actor, input: PromptInput): Promise<Prompt> {
  requireRole(actor, 'editor');
  if (!input.name || input.name.length > 512) throw badRequest('name must be 1 to 512 characters');
  const ws = await resolveWorkspace(tx, actor, input.workspace, 'share');
  const projectId = await projectIdFor(tx, ws.id, input.project);
  const [row] = await tx
    .insert(prompts)
    .values({
      id: uuidv7(),
      workspaceId: ws.id,
      name: input.name,
      description: input.description ?? null,
      tags: input.tags ?? [],
      projectId,
      kind: input.kind ?? 'chat',
      isSnippet: input.isSnippet ?? false,
      metadata: input.metadata ?? {},
    })
    .returning();
  rec({ kind: 'prompt', workspaceId: ws.id, promptId: row!.id });
  await audit(tx, actor, ws.id, 'prompt.create', 'prompt', row!.id, null, snapshot(row));
  return row!;
}

export async function getPrompt(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  opts: { includeDeleted?: boolean } = {},
): Promise<Prompt> {
  return findPrompt(ctx.store.db, actor, ref, opts);
}

export async function listPrompts(
  ctx: RegistryContext,
  actor: Actor,
  q: PromptListQuery,
): Promise<PromptPage> {
  const db = ctx.store.db;
  return listPromptsOf(db, await resolveWorkspace(db, actor, q.workspace), q);
}

/** A page whose total may be only a lower bound (`PromptListQuery.searchTotalBound`). */
export interface PromptPage extends Page<Prompt> {
  totalIsLowerBound?: boolean;
}

/** The same list in a workspace already resolved (`q.workspace` is not read again). */
export async function listPromptsOf(db: Executor, ws: Workspace, q: PromptListQuery): Promise<PromptPage> {
  const conds: (SQL | undefined)[] = [eq(prompts.workspaceId, ws.id)];
  const status = q.status ?? 'active';
  if (status === 'active') conds.push(isNull(prompts.deletedAt));
  if (status === 'deleted') conds.push(isNotNull(prompts.deletedAt));
  // Conditions past these narrow the list: then the total is counted, else read from the counter.
  const scopeOnly = conds.length;
  if (q.name !== undefined) conds.push(eq(prompts.name, q.name));
  if (q.nameContains) conds.push(ilike(prompts.name, `%${q.nameContains.replace(/[\\%_]/g, '\\$&')}%`));
  if (q.tags?.length) conds.push(sql`${prompts.tags} @> ${JSON.stringify(q.tags)}::jsonb`);
  if (q.isSnippet !== undefined) conds.push(eq(prompts.isSnippet, q.isSnippet));
  if (q.project !== undefined) {
    const pid = await db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.workspaceId, ws.id), eq(projects.name, q.project), isNull(projects.deletedAt)));
    if (!pid[0]) return { items: [], total: 0 };
    conds.push(eq(prompts.projectId, pid[0].id));
  }
  if (q.label) {
    conds.push(
      inArray(prompts.id, db.select({ id: labels.promptId }).from(labels).where(eq(labels.name, q.label))),
    );
  }
  if (q.namePrefix) conds.push(like(prompts.name, `${q.namePrefix.replace(/[\\%_]/g, '\\$&')}%`));
  if (q.labelAbsent) {
    conds.push(
      notInArray(
        prompts.id,
        db.select({ id: labels.promptId }).from(labels).where(eq(labels.name, q.labelAbsent)),
      ),
    );
  }
  /** The search's condition in `conds`, and the same test row by row (see boundedSearchPage). */
  let searchCond: SQL | undefined;
  let searchRow: SQL | undefined;
  // The latest version's content, for search and the format filter: one indexed row per prompt.
  const latest = (pred: SQL) =>
    sql`exists (select 1 from ${versions} where ${versions.promptId} = ${prompts.id} and ${versions.number} = ${prompts.lastVersion} and ${pred})`;
  if (q.templateFormat) conds.push(latest(sql`${versions.templateFormat} = ${q.templateFormat}`));
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, '\\$&')}%`;
    // Template text is the messages' and content's JSON text: a substring match there finds any
    // text a user can see in the template (escapes aside), without a per-format parser. The
    // expression is the one migration 0007's trigram index is built on, so the index serves it.
    // One IN over a UNION ALL of three narrow look-ups, each of which its trigram index (migration
    // 0007) can serve; an OR of the three would make PostgreSQL scan every prompt.
    const owner = alias(prompts, 'owner');
    const byName = db.select({ id: prompts.id }).from(prompts).where(ilike(prompts.name, like));
    const tagsMatch = sql`${prompts.tags}::text ilike ${like}`;
    const textMatch = sql`(${versions.messages}::text || coalesce(${versions.content}::text, '')) ilike ${like}`;
    const byTag = db.select({ id: prompts.id }).from(prompts).where(tagsMatch);
    const byText = db
      .select({ id: versions.promptId })
      .from(versions)
      .innerJoin(owner, and(eq(owner.id, versions.promptId), eq(owner.lastVersion, versions.number)))
      .where(and(eq(owner.workspaceId, ws.id), textMatch));
    searchCond = inArray(prompts.id, unionAll(byName, byTag, byText));
    conds.push(searchCond);
    // The same test row by row, for a walk in the sort's index order that stops at the page's end.
    // A scalar sub-select per prompt the walk reaches: written as exists() (latest()), a broad
    // search took twice as long in bench:ui ("assistant": 37 against 17 ms median).
    searchRow = sql`(${ilike(prompts.name, like)} or ${tagsMatch} or coalesce((select ${textMatch} from ${versions} where ${versions.promptId} = ${prompts.id} and ${versions.number} = ${prompts.lastVersion}), false))`;
  }
  // Bounds are inclusive at the millisecond every API shows; PostgreSQL keeps microseconds, so
  // "at most b" is "before b + 1 ms" (still an index range, unlike truncating the column).
  const nextMs = (d: Date) => new Date(d.getTime() + 1);
  if (q.createdAfter) conds.push(gte(prompts.createdAt, q.createdAfter));
  if (q.createdBefore) conds.push(lt(prompts.createdAt, nextMs(q.createdBefore)));
  if (q.updatedAfter) conds.push(gte(prompts.updatedAt, q.updatedAfter));
  if (q.updatedBefore) conds.push(lt(prompts.updatedAt, nextMs(q.updatedBefore)));
  // An empty `and` (Keywords AI's list without filters) keeps every row: not a narrowing filter.
  if (q.where && !('and' in q.where && q.where.and.length === 0)) {
    try {
      conds.push(compilePromptFilter(q.where, { displayName: q.displayName }));
    } catch (e) {
      if (e instanceof PromptFilterError) throw badRequest(e.message);
      throw e;
    }
  }
  const where = and(...conds);
  const sort = q.sort ?? { field: 'created_at', dir: 'desc' };
  const col = {
    created_at: sql`${prompts.createdAt}`,
    updated_at: sql`${prompts.updatedAt}`,
    name: nameExpr(q.displayName),
    seq: sql`${prompts.seq}`,
    last_version: sql`${prompts.lastVersion}`,
  }[sort.field];
  const order = sort.dir === 'asc' ? [asc(col), asc(prompts.seq)] : [desc(col), desc(prompts.seq)];
  const page = (w: SQL | undefined = where) =>
    db
      .select()
      .from(prompts)
      .where(w)
      .orderBy(...order)
      .limit(q.limit)
      .offset(q.offset);
  if (conds.length === scopeOnly) {
    const [items, total] = await Promise.all([page(), workspaceTotal(db, ws.id, status)]);
    return { items, total };
  }
  if (q.searchTotalBound !== undefined && searchRow) {
    const rowConds = conds.map((c) => (c === searchCond ? searchRow : c));
    return boundedSearchPage(db, where!, order, q, q.searchTotalBound, () => page(and(...rowConds)));
  }
  // A narrowed list counts its matches in the statement that reads the page (a window count over
  // the filtered rows): the filter — a search's trigram look-ups above all — runs once, not once
  // for the page and again for a separate count.
  const rows = await db
    .select({ p: prompts, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(prompts)
    .where(where)
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
  // A page past the end (or an empty one) has no row to carry the count.
  const total = rows[0]?.total ?? (q.offset > 0 || q.limit < 1 ? await countWhere(db, where) : 0);
  return { items: rows.map((r) => r.p), total };
}

/**
 * A search whose total is counted only up to `bound`. One statement reads the matches' ids through
 * the indexed look-ups (`where`), stopping at bound + 1, and the page from them, each row carrying
 * how many there were. No more than the bound: that page is the answer and the count exact. More:
 * the term is broad (a word every template holds), and a second statement walks the sort's index,
 * testing prompt after prompt (`walk`) until the page is full — a hundred or so tests, where
 * the look-ups recheck every version's text and an exact count counts every match.
 */
async function boundedSearchPage(
  db: Executor,
  where: SQL,
  order: SQL[],
  q: PromptListQuery,
  bound: number,
  walk: () => Promise<Prompt[]>,
): Promise<PromptPage> {
  const firstMatches = () =>
    db
      .select({ id: prompts.id })
      .from(prompts)
      .where(where)
      .limit(bound + 1);
  const matches = db.$with('matches').as(firstMatches());
  const rows = await db
    .with(matches)
    .select({ p: prompts, n: sql<number>`(select count(*) from ${matches})`.mapWith(Number) })
    .from(prompts)
    .where(inArray(prompts.id, db.select({ id: matches.id }).from(matches)))
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
  // A page past the end (or an empty one) has no row to carry the count.
  const n =
    rows[0]?.n ??
    (q.offset > 0 || q.limit < 1
      ? Number((await db.select({ n: count() }).from(firstMatches().as('m')))[0]?.n ?? 0)
      : 0);
  if (n <= bound) return { items: rows.map((r) => r.p), total: n, totalIsLowerBound: false };
  const items = await walk();
  return { items, total: Math.max(bound, q.offset + items.length), totalIsLowerBound: true };
}

async function countWhere(db: Executor, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(prompts).where(where);
  return Number(row?.n ?? 0);
}

/**
 * A workspace's prompts by status, from the counter the triggers of migration 0010 keep in every
 * writing statement: one row, where counting is a scan of the workspace (O(n) at every list).
 */
async function workspaceTotal(db: Executor, workspaceId: string, status: 'active' | 'deleted' | 'all') {
  const [row] = await db
    .select({ live: promptCounts.live, deleted: promptCounts.deleted })
    .from(promptCounts)
    .where(eq(promptCounts.workspaceId, workspaceId));
  if (!row) return 0; // no prompt was ever written in this workspace
  return status === 'active' ? row.live : status === 'deleted' ? row.deleted : row.live + row.deleted;
}

/**
 * The folders of a workspace's live prompts: every name's part before its last `/`, with how many
 * prompts sit directly in it. One grouped scan; the UI derives parent folders from the paths.
 */
export async function listFolders(
  ctx: RegistryContext,
  actor: Actor,
  q: { workspace?: string },
): Promise<{ path: string; count: number }[]> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, q.workspace);
  const folder = sql<string>`substring(${prompts.name} from '^(.*)/[^/]*$')`;
  const rows = await db
    .select({ path: folder, n: count() })
    .from(prompts)
    .where(
      and(
        eq(prompts.workspaceId, ws.id),
        isNull(prompts.deletedAt),
        sql`position('/' in ${prompts.name}) > 0`,
      ),
    )
    .groupBy(folder)
    .orderBy(folder);
  return rows.filter((r) => r.path).map((r) => ({ path: r.path, count: Number(r.n) }));
}

export interface PromptPatch {
  name?: string;
  description?: string | null;
  tags?: string[];
  project?: string | null;
  isSnippet?: boolean;
  metadata?: JsonObject;
}

/** The prompt columns a patch sets (fields left undefined stay as they are). */
export async function promptChanges(tx: Tx, p: Prompt, patch: PromptPatch) {
  const set: Partial<typeof prompts.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.tags !== undefined) set.tags = patch.tags;
  if (patch.isSnippet !== undefined) set.isSnippet = patch.isSnippet;
  if (patch.metadata !== undefined) set.metadata = patch.metadata;
  if (patch.project !== undefined) set.projectId = await projectIdFor(tx, p.workspaceId, patch.project);
  return set;
}

/**
 * Bumps the prompt's revision inside a write (every write on a prompt goes through here). An audit
 * event given here is written by the same statement (a data-modifying CTE): one round trip less.
 */
export async function touchPrompt(
  tx: Tx,
  rec: Recorder,
  p: Prompt,
  set: Partial<typeof prompts.$inferInsert> = {},
  withAudit?: AuditEntry,
) {
  const bump = { ...set, revision: p.revision + 1, updatedAt: new Date() };
  if (withAudit) {
    const event = tx
      .$with('audit_event')
      .as(tx.insert(auditEvents).values(withAudit).returning({ id: auditEvents.id }));
    // The transaction's change notification rides along too, when there is one to send. A
    // SELECT CTE runs only when referenced: the uncorrelated EXISTS is a one-time filter,
    // evaluated once, before the row is updated.
    const notify = rec.notification();
    if (notify) {
      const notified = tx.$with('notified', { n: sql<number>`n` }).as(sql`select 1 as n from (${notify}) x`);
      const [row] = await tx
        .with(event, notified)
        .update(prompts)
        .set(bump)
        .where(and(eq(prompts.id, p.id), sql`exists (select 1 from ${notified})`))
        .returning();
      return row!;
    }
    const [row] = await tx.with(event).update(prompts).set(bump).where(eq(prompts.id, p.id)).returning();
    return row!;
  }
  const [row] = await tx.update(prompts).set(bump).where(eq(prompts.id, p.id)).returning();
  return row!;
}

/** Checks a prompt name a write sets. */
export function checkPromptName(name: string): void {
  if (!name || name.length > 512) throw badRequest('name must be 1 to 512 characters');
}

/**
 * Soft-deletes prompts, all or none, in one transaction (PromptLayer deletes several entities in
 * one call: an unknown one deletes nothing). `notFound` renders the error for a missing one.
 */
export async function deletePrompts(
  ctx: RegistryContext,
  actor: Actor,
  refs: readonly PromptRef[],
  opts: { ifMatch?: string } = {},
): Promise<Prompt[]> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, rec) => {
    const out: Prompt[] = [];
    const seen = new Set<string>();
    for (const ref of refs) {
      const p = await lockPrompt(tx, rec, actor, ref, opts.ifMatch);
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      const row = await touchPrompt(tx, rec, p, { deletedAt: new Date() });
      await audit(tx, actor, p.workspaceId, 'prompt.delete', 'prompt', p.id, snapshot(p), snapshot(row));
      out.push(row);
    }
    return out;
  });
}

export async function deletePrompt(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  opts: { ifMatch?: string } = {},
): Promise<Prompt> {
  return (await deletePrompts(ctx, actor, [ref], opts))[0]!;
}

export async function restorePrompt(ctx: RegistryContext, actor: Actor, ref: PromptRef): Promise<Prompt> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, rec) => {
    const p = await findPrompt(tx, actor, ref, { lock: true, includeDeleted: true });
    if (!p.deletedAt) return p;
    // Into a live workspace only (share-locked, as a create does), and the unique index on live
    // names refuses a restore whose name was taken meanwhile (409).
    await lockWorkspaceOf(tx, p.workspaceId);
    rec({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
    const row = await touchPrompt(tx, rec, p, { deletedAt: null });
    await audit(tx, actor, p.workspaceId, 'prompt.restore', 'prompt', p.id, snapshot(p), snapshot(row));
    return row;
  });
}

/** Share-locks a prompt's (live) workspace until commit; a deleted workspace is a 404. */
async function lockWorkspaceOf(tx: Tx, workspaceId: string): Promise<void> {
  const row = (
    await tx
      .select({ id: workspaces.id, name: workspaces.name })
      .from(workspaces)
      .where(and(eq(workspaces.id, workspaceId), isNull(workspaces.deletedAt)))
      .for('share')
  )[0];
  if (!row) throw workspaceNotFound(workspaceId);
}
