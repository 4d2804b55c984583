// Version use cases. Numbers come from the prompt row's `last_version`, bumped under the prompt's row
// lock in the inserting transaction, so concurrent writers get distinct, contiguous numbers.
import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../store/db.ts';
import { auditEvents, externalIds, labels, prompts, versions } from '../store/schema.ts';
import { badRequest, conflict, LecternError, notFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import { completeContent, contentOf } from '../model/version-content.ts';
import type { Actor, Page, Prompt, Version, VersionContent, VersionStatus } from '../model/types.ts';
import { computeInputVariables } from './input-variables.ts';
import { applyLabel } from './labels.ts';
import {
  checkIfMatch,
  findPrompt,
  lockPrompt,
  insertPrompt,
  promptChanges,
  touchPrompt,
  type PromptInput,
  type PromptPatch,
  type PromptRef,
} from './prompts.ts';
import {
  audit,
  auditEntry,
  inTx,
  requireRole,
  snapshot,
  takeNotification,
  type RegistryContext,
} from './context.ts';

/** The columns of a version row, as the model names them (what an audit snapshot holds). */
const VERSION_FIELDS = Object.keys(getTableColumns(versions));

export type VersionSelector = { number: number } | { label: string } | { latest: true } | { seq: number };

export interface VersionView extends Version {
  labels: string[];
}

export interface Resolved {
  prompt: Prompt;
  version: VersionView;
}

export interface WriteOptions {
  status?: VersionStatus; // default: committed
  labels?: string[];
  ifMatch?: string;
  /** Keep the client's input_variables instead of recomputing them from the messages. */
  keepInputVariables?: boolean;
  /** Also return the prompt's external ids, read within the write (PromptLayer answers show them). */
  withExternalIds?: boolean;
}

/** A prompt's external id as a write returns it (oldest first). */
export interface ExternalIdRef {
  source: string;
  externalId: string;
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

async function withLabels(db: Executor, vs: Version[], promptId?: string): Promise<VersionView[]> {
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
const versionWithLabels = {
  v: versions,
  // Spelled out: drizzle drops table qualifiers in single-table selects, and an unqualified "id"
  // inside the subquery would be the label's.
  labels: sql<
    string[]
  >`array(select vl.name from labels vl where vl.version_id = "versions"."id" order by vl.name)`,
};
const withLabelNames = (r: { v: Version; labels: string[] }): VersionView => ({ ...r.v, labels: r.labels });

/** A prompt's external ids as one JSON column, so a write can return them without a round trip. */
const externalIdsOfPrompt = (promptId: string) =>
  sql<
    ExternalIdRef[]
  >`(select coalesce(json_agg(json_build_object('source', e.source, 'externalId', e.external_id) order by e.created_at, e.source, e.external_id), '[]'::json) from ${externalIds} e where e.prompt_id = ${promptId})`;

/** Finds one live version of a prompt with its labels, in one round trip; 404 names what was asked for. */
export async function findVersion(db: Executor, prompt: Prompt, sel: VersionSelector): Promise<VersionView> {
  const live = and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt));
  let row: { v: Version; labels: string[] } | undefined;
  if ('number' in sel) {
    row = (
      await db
        .select(versionWithLabels)
        .from(versions)
        .where(and(live, eq(versions.number, sel.number)))
    )[0];
    if (!row) throw notFound(`version ${sel.number}`, { version: sel.number });
  } else if ('seq' in sel) {
    row = (
      await db
        .select(versionWithLabels)
        .from(versions)
        .where(and(live, eq(versions.seq, sel.seq)))
    )[0];
    if (!row) throw notFound(`version ${sel.seq}`, { version_id: sel.seq });
  } else if ('label' in sel) {
    row = (
      await db
        .select(versionWithLabels)
        .from(labels)
        .innerJoin(versions, eq(versions.id, labels.versionId))
        .where(and(eq(labels.promptId, prompt.id), eq(labels.name, sel.label)))
    )[0];
    if (!row) throw notFound(`label ${sel.label}`, { label: sel.label });
  } else {
    row = (
      await db.select(versionWithLabels).from(versions).where(live).orderBy(desc(versions.number)).limit(1)
    )[0];
    if (!row) throw notFound('version (the prompt has none)');
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

/** A version found by its global seq alone (PromptLayer's prompt_version_id). */
export async function getVersionBySeq(ctx: RegistryContext, actor: Actor, seq: number): Promise<Resolved> {
  const db = ctx.store.db;
  const row = (
    await db
      .select()
      .from(versions)
      .where(and(eq(versions.seq, seq), isNull(versions.deletedAt)))
  )[0];
  if (!row) throw notFound(`version ${seq}`);
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

function validateContent(c: VersionContent): void {
  if (c.templateType === 'completion' && c.content === null) {
    throw badRequest('a completion template needs content');
  }
  if (c.commitMessage !== null && c.commitMessage.length > 10_000)
    throw badRequest('commit message too long');
  for (const lb of c.loadBalanceModels ?? []) {
    if (!(typeof lb.weight === 'number' && lb.weight > 0)) {
      throw badRequest('load_balance_models weights must be positive numbers', {
        field: 'load_balance_models',
      });
    }
  }
}

/**
 * Appends a version to a locked prompt inside an open transaction: commits the previous draft,
 * assigns the next number, stores the content and moves the requested labels onto it.
 */
export async function appendVersion(
  tx: Tx,
  actor: Actor,
  prompt: Prompt,
  input: Partial<VersionContent>,
  opts: WriteOptions,
): Promise<{ prompt: Prompt; version: VersionView; externalIds?: ExternalIdRef[] }> {
  const content = completeContent(input);
  if (!opts.keepInputVariables) content.inputVariables = computeInputVariables(content);
  validateContent(content);
  const number = prompt.lastVersion + 1;
  const now = new Date();
  const commitDrafts = tx
    .update(versions)
    .set({ status: 'committed', committedAt: now, updatedAt: now })
    .where(and(eq(versions.promptId, prompt.id), eq(versions.status, 'draft')));
  const status = opts.status ?? 'committed';
  const values = {
    ...content,
    id: uuidv7(),
    promptId: prompt.id,
    number,
    status,
    author: actor.keyId,
    createdAt: now,
    updatedAt: now,
    committedAt: status === 'committed' ? now : null,
  };
  const bump = { lastVersion: number, kind: content.templateType };
  let row: Version;
  let updated: Prompt;
  let ext: ExternalIdRef[] | undefined;
  if (status === 'committed') {
    // Round trips are what a write costs, so a committed version is one statement: the insert,
    // with data-modifying CTEs that commit the previous draft, bump the prompt, write the audit
    // event and (with a change feed) notify. Every CTE runs to completion; their snapshot does not
    // see the new row, so only the previous draft is committed. Only `seq` comes back: the rest of
    // the new row is what was inserted (plus the column defaults), and the prompt row is locked by
    // this transaction, so its new state is the locked row plus the bump. (Building the SQL for
    // wide RETURNING lists cost more CPU than the statement itself.)
    const set = { ...bump, revision: prompt.revision + 1, updatedAt: now };
    const asInserted: Record<string, unknown> = { revision: 1, deletedAt: null };
    for (const k of VERSION_FIELDS) if (k in values) asInserted[k] = values[k as keyof typeof values];
    const after = JSON.stringify(asInserted); // the audit snapshot (dates as ISO strings)
    const inserted = tx
      .$with('inserted')
      .as(tx.insert(versions).values(values).returning({ seq: versions.seq }));
    const drafts = tx.$with('committed_drafts').as(commitDrafts.returning({ id: versions.id }));
    const bumped = tx
      .$with('bumped')
      .as(tx.update(prompts).set(set).where(eq(prompts.id, prompt.id)).returning({ id: prompts.id }));
    const e = auditEntry(actor, prompt.workspaceId, 'version.create', 'version', values.id, null, null);
    const event = tx
      .$with('audit_event', { id: sql<number>`id` })
      .as(
        sql`insert into ${auditEvents} (workspace_id, actor, action, entity_type, entity_id, before, after) select ${e.workspaceId}::uuid, ${e.actor}::uuid, ${e.action}, ${e.entityType}, ${e.entityId}, null, ${after}::jsonb || jsonb_build_object('seq', ${inserted}.seq) from ${inserted} returning id`,
      );
    const notify = takeNotification(tx);
    const notified = tx
      .$with('notified', { n: sql<number>`n` })
      .as(notify ? sql`select 1 as n from (${notify}) x` : sql`select 1 as n`);
    const [got] = await tx
      .with(drafts, inserted, bumped, event, notified)
      .select({ seq: inserted.seq, ...(opts.withExternalIds ? { ext: externalIdsOfPrompt(prompt.id) } : {}) })
      .from(inserted)
      .where(sql`exists (select 1 from ${notified})`);
    row = { ...asInserted, seq: got!.seq } as Version;
    updated = { ...prompt, ...set };
    if (got && 'ext' in got) ext = got.ext;
  } else {
    // A new draft must come after the old draft's commit (one draft per prompt, by a unique index):
    // statements in order.
    await commitDrafts;
    [row] = (await tx.insert(versions).values(values).returning()) as [Version];
    updated = await touchPrompt(
      tx,
      prompt,
      bump,
      auditEntry(actor, prompt.workspaceId, 'version.create', 'version', row.id, null, snapshot(row)),
    );
  }
  // Labels do not change the prompt row: `updated` stays what the bump returned.
  const names = [...new Set(opts.labels ?? [])];
  for (const name of names) await applyLabel(tx, actor, updated, name, row);
  if (opts.withExternalIds && !ext) {
    const [r] = await tx
      .select({ ext: externalIdsOfPrompt(prompt.id) })
      .from(prompts)
      .where(eq(prompts.id, prompt.id));
    ext = r?.ext;
  }
  const version = { ...row, labels: names.sort() };
  return opts.withExternalIds
    ? { prompt: updated, version, externalIds: ext ?? [] }
    : { prompt: updated, version };
}

export async function createVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  input: Partial<VersionContent>,
  opts: WriteOptions = {},
): Promise<Resolved> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    // Recorded before the write, so its statements can carry the notification (see inTx).
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    return appendVersion(tx, actor, prompt, input, opts);
  });
}

/**
 * Builds a new version from a base version, in one transaction: the base is resolved under the
 * prompt's lock, so a writer that names its base never builds on anything else. Given several refs
 * (a dialect identifier that may be an id or a name), the first that names a prompt is used.
 */
export async function deriveVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef | readonly PromptRef[],
  base: VersionSelector,
  build: (base: VersionView, prompt: Prompt) => Partial<VersionContent>,
  opts: WriteOptions = {},
): Promise<Resolved & { base: VersionView; externalIds?: ExternalIdRef[] }> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const baseVersion = await findVersion(tx, prompt, base);
    const content = build(baseVersion, prompt);
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    const out = await appendVersion(
      tx,
      actor,
      prompt,
      completeContent(content, contentOf(baseVersion)),
      opts,
    );
    return { ...out, base: baseVersion };
  });
}

/**
 * The prompt a publish writes to, locked: the one of that name (with `onExisting` applied), or a new
 * one. Concurrent publishers of one new name: the first insert wins the unique index, the others
 * wait on it and then fail with 23505; callers retry those as appends.
 */
export async function promptForPublish(
  tx: Tx,
  actor: Actor,
  promptInput: PromptInput,
  onExisting: PromptPatch,
  opts: { ifMatch?: string; ifExists?: 'append' | 'error' } = {},
): Promise<{ prompt: Prompt; created: boolean }> {
  let prompt: Prompt | null = null;
  try {
    prompt = await findPrompt(
      tx,
      actor,
      { name: promptInput.name, workspace: promptInput.workspace },
      { lock: true },
    );
  } catch (err) {
    if (!(err instanceof LecternError && err.code === 'not_found' && !err.message.startsWith('workspace'))) {
      throw err;
    }
  }
  if (!prompt) return { prompt: await insertPrompt(tx, actor, promptInput), created: true };
  if (opts.ifExists === 'error') throw conflict(`prompt ${promptInput.name} already exists`);
  checkIfMatch(prompt, opts.ifMatch);
  const set = await promptChanges(tx, prompt, onExisting);
  if (Object.keys(set).length) prompt = await touchPrompt(tx, prompt, set);
  return { prompt, created: false };
}

/**
 * Creates the prompt with its first version, or appends a version when the name exists (the
 * PromptLayer publish): one transaction, so two publishers of a new name never make two prompts.
 */
export async function publishVersion(
  ctx: RegistryContext,
  actor: Actor,
  promptInput: PromptInput,
  onExisting: PromptPatch,
  input: Partial<VersionContent>,
  opts: WriteOptions & { ifExists?: 'append' | 'error' } = {},
): Promise<Resolved & { created: boolean; externalIds?: ExternalIdRef[] }> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const { prompt, created } = await promptForPublish(tx, actor, promptInput, onExisting, opts);
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    const out = await appendVersion(tx, actor, prompt, input, opts);
    return { ...out, created };
  });
}

export interface DraftEdit {
  /** The change, or a function computing it from the draft as read under the prompt's lock. */
  content: Partial<VersionContent> | ((current: VersionView) => Partial<VersionContent>);
  /** Recompute input variables unless the dialect keeps the client's list. */
  keepInputVariables?: boolean;
}

/** Edits the draft in place (Keywords AI); a committed version is frozen. */
export async function editDraft(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  number: number,
  edit: DraftEdit,
  opts: { ifMatch?: string } = {},
): Promise<Resolved> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const current = await findVersion(tx, prompt, { number });
    const change = typeof edit.content === 'function' ? edit.content(current) : edit.content;
    const hasContent = Object.values(change).some((v) => v !== undefined);
    if (current.status !== 'draft' && hasContent) {
      throw new LecternError('conflict', `version ${number} is committed and read-only`, {
        version: number,
        readonly: true,
      });
    }
    if (!hasContent) return { prompt, version: current };
    const content = completeContent(change, contentOf(current));
    if (!edit.keepInputVariables) content.inputVariables = computeInputVariables(content);
    validateContent(content);
    const [row] = await tx
      .update(versions)
      .set({ ...content, revision: current.revision + 1, updatedAt: new Date(), author: actor.keyId })
      .where(eq(versions.id, current.id))
      .returning();
    const p = await touchPrompt(tx, prompt);
    await audit(
      tx,
      actor,
      prompt.workspaceId,
      'version.edit',
      'version',
      current.id,
      snapshot(current),
      snapshot(row),
    );
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    return { prompt: p, version: { ...row!, labels: current.labels } };
  });
}

/** Freezes the draft inside an open transaction; returns null when there is none. */
export async function commitDraftTx(
  tx: Tx,
  actor: Actor,
  prompt: Prompt,
  commitMessage?: string | null,
): Promise<Version | null> {
  const draft = (
    await tx
      .select()
      .from(versions)
      .where(and(eq(versions.promptId, prompt.id), eq(versions.status, 'draft'), isNull(versions.deletedAt)))
  )[0];
  if (!draft) return null;
  const now = new Date();
  const [row] = await tx
    .update(versions)
    .set({
      status: 'committed',
      committedAt: now,
      updatedAt: now,
      ...(commitMessage !== undefined && commitMessage !== null ? { commitMessage } : {}),
    })
    .where(eq(versions.id, draft.id))
    .returning();
  await audit(
    tx,
    actor,
    prompt.workspaceId,
    'version.commit',
    'version',
    draft.id,
    snapshot(draft),
    snapshot(row),
  );
  return row!;
}

export async function commitDraft(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  opts: { commitMessage?: string | null; ifMatch?: string } = {},
): Promise<Resolved> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const row = await commitDraftTx(tx, actor, prompt, opts.commitMessage);
    if (!row) throw conflict('there is no draft to commit');
    const p = await touchPrompt(tx, prompt);
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    return { prompt: p, version: (await withLabels(tx, [row]))[0]! };
  });
}

/** Soft-deletes a version; a version that a label points at (the live one) is refused. */
export async function deleteVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  number: number,
  opts: { ifMatch?: string } = {},
): Promise<Resolved> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const v = await findVersion(tx, prompt, { number });
    if (v.labels.length) {
      throw conflict(`version ${number} carries the label(s) ${v.labels.join(', ')}; move them first`, {
        labels: v.labels,
      });
    }
    const [row] = await tx
      .update(versions)
      .set({ deletedAt: new Date(), status: v.status === 'draft' ? 'committed' : v.status })
      .where(eq(versions.id, v.id))
      .returning();
    const p = await touchPrompt(tx, prompt);
    await audit(tx, actor, prompt.workspaceId, 'version.delete', 'version', v.id, snapshot(v), snapshot(row));
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    return { prompt: p, version: { ...row!, labels: [] } };
  });
}

/**
 * The newest live version of each of the given prompts, in one query (list pages of dialects that
 * show a prompt with its current content). Prompts the actor cannot see are left out.
 */
export async function latestVersionsOf(
  ctx: RegistryContext,
  actor: Actor,
  promptIds: string[],
): Promise<Map<string, Version>> {
  const out = new Map<string, Version>();
  if (!promptIds.length) return out;
  const rows = await ctx.store.db
    .selectDistinctOn([versions.promptId], { v: versions, workspaceId: prompts.workspaceId })
    .from(versions)
    .innerJoin(prompts, eq(prompts.id, versions.promptId))
    .where(and(inArray(versions.promptId, promptIds), isNull(versions.deletedAt)))
    .orderBy(versions.promptId, desc(versions.number));
  for (const r of rows) {
    if (actor.workspaceId === null || actor.workspaceId === r.workspaceId) out.set(r.v.promptId, r.v);
  }
  return out;
}

/**
 * Replaces a prompt's own fields and appends a committed version, in one transaction (NeMo's PUT:
 * the prompt row and its new version never disagree). Absent patch fields are left as they are.
 */
export async function reviseVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  patch: Pick<PromptPatch, 'description' | 'tags' | 'project' | 'metadata'>,
  input: Partial<VersionContent>,
  opts: WriteOptions = {},
): Promise<Resolved> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    let prompt = await lockPrompt(tx, actor, ref, opts.ifMatch);
    const before = prompt;
    const set = await promptChanges(tx, prompt, patch);
    if (Object.keys(set).length) {
      prompt = await touchPrompt(tx, prompt, set);
      await audit(
        tx,
        actor,
        prompt.workspaceId,
        'prompt.update',
        'prompt',
        prompt.id,
        snapshot(before),
        snapshot(prompt),
      );
    }
    changed({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
    return appendVersion(tx, actor, prompt, input, opts);
  });
}
