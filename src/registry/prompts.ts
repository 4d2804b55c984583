// Prompt use cases: create, find, list, rename/describe, soft-delete and restore.
import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lte,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Executor, Tx } from '../store/db.ts';
import { labels, projects, prompts } from '../store/schema.ts';
import { badRequest, LecternError, notFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, JsonObject, Page, Prompt, TemplateType } from '../model/types.ts';
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
  type RegistryContext,
} from './context.ts';

/** A prompt is named by its UUID, its integer seq, or its name within a workspace. */
export type PromptRef = { id: string } | { seq: number } | { name: string; workspace?: string };

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
  sort?: { field: 'created_at' | 'updated_at' | 'name' | 'seq'; dir: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

export const promptEtag = (p: Pick<Prompt, 'seq' | 'revision'>) => `"${p.seq}.${p.revision}"`;

export function checkIfMatch(p: Prompt, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(promptEtag(p))) {
    throw new LecternError('precondition_failed', 'the prompt changed since you read it (stale If-Match)', {
      current_etag: promptEtag(p),
    });
  }
}

/** Finds a prompt the actor may see; `lock` takes a row lock that serialises writers on it. */
export async function findPrompt(
  db: Executor,
  actor: Actor,
  ref: PromptRef,
  opts: { lock?: boolean; includeDeleted?: boolean } = {},
): Promise<Prompt> {
  let where: SQL | undefined;
  if ('id' in ref) where = eq(prompts.id, ref.id);
  else if ('seq' in ref) where = eq(prompts.seq, ref.seq);
  else {
    const ws = await resolveWorkspace(db, actor, ref.workspace);
    where = and(eq(prompts.workspaceId, ws.id), eq(prompts.name, ref.name));
  }
  if (!opts.includeDeleted) where = and(where, isNull(prompts.deletedAt));
  let q = db.select().from(prompts).where(where).orderBy(desc(prompts.createdAt)).limit(1);
  if (opts.lock) q = q.for('update') as typeof q;
  const row = (await q)[0];
  if (!row || !canSeeWorkspace(actor, row.workspaceId)) throw notFound('prompt', { ref: describeRef(ref) });
  return row;
}

/** Locks a prompt for a write (serialising writers on it) and checks the caller's If-Match. */
export async function lockPrompt(
  tx: Tx,
  actor: Actor,
  ref: PromptRef,
  ifMatch: string | undefined,
): Promise<Prompt> {
  const p = await findPrompt(tx, actor, ref, { lock: true });
  checkIfMatch(p, ifMatch);
  return p;
}

function describeRef(ref: PromptRef): string {
  return 'id' in ref ? ref.id : 'seq' in ref ? String(ref.seq) : ref.name;
}

export async function projectIdFor(db: Executor, workspaceId: string, name: string | null | undefined) {
  if (name === undefined || name === null) return name ?? null;
  const row = (
    await db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.workspaceId, workspaceId), eq(projects.name, name), isNull(projects.deletedAt)))
  )[0];
  if (!row) throw new LecternError('unprocessable', `project ${name} does not exist`, { project: name });
  return row.id;
}

/** Inserts a prompt inside an open transaction (also used by version publishing). */
export async function insertPrompt(tx: Tx, actor: Actor, input: PromptInput): Promise<Prompt> {
  requireRole(actor, 'editor');
  if (!input.name || input.name.length > 512) throw badRequest('name must be 1 to 512 characters');
  const ws = await resolveWorkspace(tx, actor, input.workspace);
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
  await audit(tx, actor, ws.id, 'prompt.create', 'prompt', row!.id, null, snapshot(row));
  return row!;
}

export async function createPrompt(ctx: RegistryContext, actor: Actor, input: PromptInput): Promise<Prompt> {
  return inTx(ctx, async (tx, changed) => {
    const p = await insertPrompt(tx, actor, input);
    changed({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
    return p;
  });
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
): Promise<Page<Prompt>> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, q.workspace);
  const conds: (SQL | undefined)[] = [eq(prompts.workspaceId, ws.id)];
  const status = q.status ?? 'active';
  if (status === 'active') conds.push(isNull(prompts.deletedAt));
  if (status === 'deleted') conds.push(isNotNull(prompts.deletedAt));
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
  if (q.createdAfter) conds.push(gte(prompts.createdAt, q.createdAfter));
  if (q.createdBefore) conds.push(lte(prompts.createdAt, q.createdBefore));
  if (q.updatedAfter) conds.push(gte(prompts.updatedAt, q.updatedAfter));
  if (q.updatedBefore) conds.push(lte(prompts.updatedAt, q.updatedBefore));
  if (q.where) {
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
  }[sort.field];
  const order = sort.dir === 'asc' ? [asc(col), asc(prompts.seq)] : [desc(col), desc(prompts.seq)];
  const [items, total] = await Promise.all([
    db
      .select()
      .from(prompts)
      .where(where)
      .orderBy(...order)
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(prompts).where(where),
  ]);
  return { items, total: Number(total[0]?.n ?? 0) };
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

/** Bumps the prompt's revision inside a write (every write on a prompt goes through here). */
export async function touchPrompt(tx: Tx, p: Prompt, set: Partial<typeof prompts.$inferInsert> = {}) {
  const [row] = await tx
    .update(prompts)
    .set({ ...set, revision: p.revision + 1, updatedAt: new Date() })
    .where(eq(prompts.id, p.id))
    .returning();
  return row!;
}

export async function updatePrompt(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  patch: PromptPatch,
  opts: { ifMatch?: string } = {},
): Promise<Prompt> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const p = await lockPrompt(tx, actor, ref, opts.ifMatch);
    if (patch.name !== undefined && (!patch.name || patch.name.length > 512)) {
      throw badRequest('name must be 1 to 512 characters');
    }
    const set = await promptChanges(tx, p, patch);
    const row = await touchPrompt(tx, p, set);
    await audit(tx, actor, p.workspaceId, 'prompt.update', 'prompt', p.id, snapshot(p), snapshot(row));
    changed({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
    return row;
  });
}

export async function deletePrompt(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  opts: { ifMatch?: string } = {},
): Promise<Prompt> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const p = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const row = await touchPrompt(tx, p, { deletedAt: new Date() });
    await audit(tx, actor, p.workspaceId, 'prompt.delete', 'prompt', p.id, snapshot(p), snapshot(row));
    changed({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
    return row;
  });
}

export async function restorePrompt(ctx: RegistryContext, actor: Actor, ref: PromptRef): Promise<Prompt> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const p = await findPrompt(tx, actor, ref, { lock: true, includeDeleted: true });
    if (!p.deletedAt) return p;
    // The unique index on live names refuses a restore whose name was taken meanwhile (409).
    const row = await touchPrompt(tx, p, { deletedAt: null });
    await audit(tx, actor, p.workspaceId, 'prompt.restore', 'prompt', p.id, snapshot(p), snapshot(row));
    changed({ kind: 'prompt', workspaceId: p.workspaceId, promptId: p.id });
    return row;
  });
}
