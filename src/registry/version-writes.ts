// Writing versions inside an open transaction: append one (numbers from the prompt row's
// `last_version`, bumped under the prompt's row lock, so concurrent writers get distinct, contiguous
// numbers), edit the draft in place, commit the draft, delete one. The registry's one write command
// (write.ts) composes these; nothing here opens a transaction except deleteVersion.
import { and, count, eq, getTableColumns, isNull, sql, type Placeholder } from 'drizzle-orm';
import type { Tx } from '../store/db.ts';
import { statementShapes } from '../store/statement-shapes.ts';
import { auditEvents, externalIds, labels, prompts, versions } from '../store/schema.ts';
import { badRequest, LecternError } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import { completeContent, contentOf } from '../model/version-content.ts';
import type { Actor, Prompt, Version, VersionContent, VersionStatus } from '../model/types.ts';
import { computeInputVariables } from './input-variables.ts';
import {
  audit,
  auditEntry,
  inTx,
  requireRole,
  snapshot,
  type Recorder,
  type RegistryContext,
} from './context.ts';
import { removeLabel } from './labels.ts';
import { lockPrompt, touchPrompt, type PromptRef } from './prompts.ts';
import { findVersion, type Resolved, type VersionSelector, type VersionView } from './version-reads.ts';

/** The columns of a version row, as the model names them (what an audit snapshot holds). */
const VERSION_FIELDS = Object.keys(getTableColumns(versions));

/** A prompt's external id as a write returns it (oldest first). */
export interface ExternalIdRef {
  source: string;
  externalId: string;
}

/** A prompt's external ids as one JSON column, so a write can return them without a round trip. */
export const externalIdsOfPrompt = (promptId: string | Placeholder) =>
  sql<
    ExternalIdRef[]
  >`(select coalesce(json_agg(json_build_object('source', e.source, 'externalId', e.external_id) order by e.created_at, e.source, e.external_id), '[]'::json) from ${externalIds} e where e.prompt_id = ${promptId})`;

export interface AppendOptions {
  status: VersionStatus;
  /** Keep the client's input_variables instead of recomputing them from the messages. */
  keepInputVariables?: boolean;
  /** Also return the prompt's external ids, read within the same statement when it can. */
  withExternalIds?: boolean;
}

export function validateContent(c: VersionContent): void {
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
 * A committed version in one statement: the insert, with data-modifying CTEs that commit the
 * previous draft, bump the prompt, write the audit event and (with a change feed) notify. Every CTE
 * runs to completion; their snapshot does not see the new row, so only the previous draft is
 * committed. Built once per variant (which version columns are given | notify | external ids;
 * store/statement-shapes.ts): building this statement cost more CPU than running it. Placeholders:
 * the version columns by their names, the rest prefixed with `_`.
 */
const committedInsert = statementShapes<{ seq: number; ext?: ExternalIdRef[] }[]>((key) => (tx, p) => {
  const [given, notify, ext] = key.split('|') as [string, string, string];
  const row: Record<string, unknown> = {};
  VERSION_FIELDS.forEach((k, i) => {
    if (given[i] === '1') row[k] = p(k);
  });
  type Draft = Partial<typeof versions.$inferInsert>;
  const inserted = tx.$with('inserted').as(
    tx
      .insert(versions)
      .values(row as typeof versions.$inferInsert)
      .returning({ seq: versions.seq }),
  );
  const drafts = tx.$with('committed_drafts').as(
    tx
      .update(versions)
      .set({
        status: 'committed',
        committedAt: p('createdAt'),
        updatedAt: p('createdAt'),
      } as unknown as Draft)
      .where(and(eq(versions.promptId, p('_prompt')), eq(versions.status, 'draft')))
      .returning({ id: versions.id }),
  );
  const bumped = tx.$with('bumped').as(
    tx
      .update(prompts)
      .set({
        lastVersion: p('_lastVersion'),
        kind: p('_kind'),
        revision: p('_revision'),
        updatedAt: p('createdAt'),
      } as unknown as Partial<typeof prompts.$inferInsert>)
      .where(eq(prompts.id, p('_prompt')))
      .returning({ id: prompts.id }),
  );
  const event = tx
    .$with('audit_event', { id: sql<number>`id` })
    .as(
      sql`insert into ${auditEvents} (workspace_id, actor, action, entity_type, entity_id, before, after) select ${p('_workspace')}::uuid, ${p('_actor')}::uuid, ${'version.create'}, ${'version'}, ${p('id')}, null, ${p('_after')}::jsonb || jsonb_build_object('seq', ${inserted}.seq) from ${inserted} returning id`,
    );
  const notified = tx
    .$with('notified', { n: sql<number>`n` })
    .as(
      notify
        ? sql`select 1 as n from (select pg_notify(${p('_channel')}, ${p('_payload')})) x`
        : sql`select 1 as n`,
    );
  return tx
    .with(drafts, inserted, bumped, event, notified)
    .select({ seq: inserted.seq, ...(ext ? { ext: externalIdsOfPrompt(p('_prompt')) } : {}) })
    .from(inserted)
    .where(sql`exists (select 1 from ${notified})`);
});

/**
 * Appends a version to a locked prompt inside an open transaction: commits the previous draft,
 * assigns the next number and stores the content (labels are the caller's next step).
 */
export async function appendVersion(
  tx: Tx,
  rec: Recorder,
  actor: Actor,
  prompt: Prompt,
  input: Partial<VersionContent>,
  opts: AppendOptions,
): Promise<{ prompt: Prompt; version: Version; externalIds?: ExternalIdRef[] }> {
  const content = completeContent(input);
  if (!opts.keepInputVariables) content.inputVariables = computeInputVariables(content);
  validateContent(content);
  const number = prompt.lastVersion + 1;
  const now = new Date();
  const status = opts.status;
  const values = {
    ...content,
    id: uuidv7(),
    promptId: prompt.id,
    number,
    status,
    author: actor.keyId,
    writtenVia: actor.via ?? null,
    createdAt: now,
    updatedAt: now,
    committedAt: status === 'committed' ? now : null,
  };
  const bump = { lastVersion: number, kind: content.templateType };
  let row: Version;
  let updated: Prompt;
  let ext: ExternalIdRef[] | undefined;
  if (status === 'committed') {
    // Round trips are what a write costs, so a committed version is one statement (committedInsert
    // above). Only `seq` comes back: the rest of the new row is what was inserted (plus the column
    // defaults), and the prompt row is locked by this transaction, so its new state is the locked
    // row plus the bump.
    const set = { ...bump, revision: prompt.revision + 1, updatedAt: now };
    const asInserted: Record<string, unknown> = { revision: 1, deletedAt: null };
    for (const k of VERSION_FIELDS) if (k in values) asInserted[k] = values[k as keyof typeof values];
    const e = auditEntry(actor, prompt.workspaceId, 'version.create', 'version', values.id, null, null);
    const notice = rec.notice();
    const [got] = await committedInsert(
      `${VERSION_FIELDS.map((k) => (values[k as keyof typeof values] !== undefined ? 1 : 0)).join('')}|${notice ? 'notify' : ''}|${opts.withExternalIds ? 'ext' : ''}`,
    ).run(tx, {
      ...values,
      _prompt: prompt.id,
      _lastVersion: set.lastVersion,
      _kind: set.kind,
      _revision: set.revision,
      _workspace: e.workspaceId,
      _actor: e.actor,
      _after: JSON.stringify(asInserted), // the audit snapshot (dates as ISO strings)
      _channel: notice?.channel,
      _payload: notice?.payload,
    });
    row = { ...asInserted, seq: got!.seq } as Version;
    updated = { ...prompt, ...set };
    if (got && 'ext' in got) ext = got.ext;
  } else {
    // A new draft must come after the old draft's commit (one draft per prompt, by a unique index):
    // statements in order.
    await tx
      .update(versions)
      .set({ status: 'committed', committedAt: now, updatedAt: now })
      .where(and(eq(versions.promptId, prompt.id), eq(versions.status, 'draft')));
    [row] = (await tx.insert(versions).values(values).returning()) as [Version];
    updated = await touchPrompt(
      tx,
      rec,
      prompt,
      bump,
      auditEntry(actor, prompt.workspaceId, 'version.create', 'version', row.id, null, snapshot(row)),
    );
  }
  if (opts.withExternalIds && !ext) {
    const [r] = await tx
      .select({ ext: externalIdsOfPrompt(prompt.id) })
      .from(prompts)
      .where(eq(prompts.id, prompt.id));
    ext = r?.ext;
  }
  return opts.withExternalIds
    ? { prompt: updated, version: row, externalIds: ext ?? [] }
    : { prompt: updated, version: row };
}

/**
 * Edits the draft in place (Keywords AI); a committed version is frozen (`version_read_only`). A
 * change with no field set writes nothing and returns the version as it is.
 */
export async function editDraftTx(
  tx: Tx,
  rec: Recorder,
  actor: Actor,
  prompt: Prompt,
  current: VersionView,
  change: Partial<VersionContent>,
  opts: { keepInputVariables?: boolean } = {},
): Promise<{ prompt: Prompt; version: VersionView }> {
  const hasContent = Object.values(change).some((v) => v !== undefined);
  if (current.status !== 'draft' && hasContent) {
    throw new LecternError(
      { kind: 'version_read_only', version: current.number },
      `version ${current.number} is committed and read-only`,
      { version: current.number, readonly: true },
    );
  }
  if (!hasContent) return { prompt, version: current };
  const content = completeContent(change, contentOf(current));
  if (!opts.keepInputVariables) content.inputVariables = computeInputVariables(content);
  validateContent(content);
  const [row] = await tx
    .update(versions)
    .set({
      ...content,
      revision: current.revision + 1,
      updatedAt: new Date(),
      author: actor.keyId,
      // An edit in place rewrites the content: the draft now holds what this API wrote.
      writtenVia: actor.via ?? null,
    })
    .where(eq(versions.id, current.id))
    .returning();
  const p = await touchPrompt(
    tx,
    rec,
    prompt,
    {},
    auditEntry(
      actor,
      prompt.workspaceId,
      'version.edit',
      'version',
      current.id,
      snapshot(current),
      snapshot(row),
    ),
  );
  return { prompt: p, version: { ...row!, labels: current.labels } };
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

/**
 * Soft-deletes a version; a version that a label points at (the live one) is refused, unless
 * `dropLabels` (Langfuse deletes labelled versions: their labels go with them, each removal in the
 * label history). `dropEmptyPrompt`: deleting the last live version deletes the prompt too (a
 * Langfuse prompt is its versions; its name is free again).
 */
export async function deleteVersion(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  which: VersionSelector | number,
  opts: { ifMatch?: string; dropLabels?: boolean; dropEmptyPrompt?: boolean } = {},
): Promise<Resolved & { promptDeleted?: boolean }> {
  requireRole(actor, 'editor');
  const sel = typeof which === 'number' ? { number: which } : which;
  return inTx(ctx, async (tx, rec) => {
    const prompt = await lockPrompt(tx, rec, actor, ref, opts.ifMatch);
    const v = await findVersion(tx, prompt, sel);
    if (v.labels.length && opts.dropLabels) {
      // Each label goes as a removal does: history and audit (the prompt row is locked above).
      const held = await tx
        .select({ id: labels.id, name: labels.name })
        .from(labels)
        .where(eq(labels.versionId, v.id));
      for (const l of held) await removeLabel(tx, actor, prompt, { ...l, number: v.number });
    } else if (v.labels.length) {
      throw new LecternError(
        { kind: 'version_labelled', version: v.number, labels: v.labels },
        `version ${v.number} carries the label(s) ${v.labels.join(', ')}; move them first`,
        { labels: v.labels },
      );
    }
    const [row] = await tx
      .update(versions)
      .set({ deletedAt: new Date(), status: v.status === 'draft' ? 'committed' : v.status })
      .where(eq(versions.id, v.id))
      .returning();
    await audit(tx, actor, prompt.workspaceId, 'version.delete', 'version', v.id, snapshot(v), snapshot(row));
    if (opts.dropEmptyPrompt) {
      const [left] = await tx
        .select({ n: count() })
        .from(versions)
        .where(and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt)));
      if (Number(left?.n ?? 0) === 0) {
        const p = await touchPrompt(tx, rec, prompt, { deletedAt: new Date() });
        await audit(tx, actor, p.workspaceId, 'prompt.delete', 'prompt', p.id, snapshot(prompt), snapshot(p));
        return { prompt: p, version: { ...row!, labels: [] }, promptDeleted: true };
      }
    }
    const p = await touchPrompt(tx, rec, prompt);
    return { prompt: p, version: { ...row!, labels: [] } };
  });
}
