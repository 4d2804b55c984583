// Release labels: movable pointers, one version per (prompt, name) by a unique index, and every move
// appended to the label history in the same transaction.
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../store/db.ts';
import { labelHistory, labels, versions } from '../store/schema.ts';
import { badRequest, LecternError, labelNotFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, Label, LabelMove, Page, Prompt, Version } from '../model/types.ts';
import { audit, inTx, requireRole, snapshot, type RegistryContext } from './context.ts';
import { findPrompt, lockPrompt, touchPrompt, type PromptRef } from './prompts.ts';

export function validateLabelName(name: string): void {
  if (typeof name !== 'string' || !name.trim() || name.length > 128) {
    throw badRequest('label names are 1 to 128 characters', { label: name });
  }
}

/** A prompt's label by name with the number of the version it sits on (row-locked on request). */
async function findLabel(tx: Tx, promptId: string, name: string, opts: { lock?: boolean } = {}) {
  const q = tx
    .select({ l: labels, number: versions.number, versionSeq: versions.seq })
    .from(labels)
    .innerJoin(versions, eq(versions.id, labels.versionId))
    .where(and(eq(labels.promptId, promptId), eq(labels.name, name)));
  return (await (opts.lock ? q.for('update') : q))[0];
}

/**
 * Points `name` at `version` (creating or moving the label) inside an open transaction. With
 * `createOnly`, a label of that name already on the prompt is a 409 `label_exists`: the check and
 * the insert run under the prompt's row lock, so of two concurrent creates the second sees the first.
 */
export async function applyLabel(
  tx: Tx,
  actor: Actor,
  prompt: Prompt,
  name: string,
  version: Version,
  opts: { createOnly?: boolean } = {},
): Promise<Label> {
  validateLabelName(name);
  const existing = await findLabel(tx, prompt.id, name, { lock: true });
  if (existing && opts.createOnly) {
    throw new LecternError({ kind: 'label_exists', label: name }, `label ${name} already exists`, {
      label: name,
    });
  }
  const now = new Date();
  let row: typeof labels.$inferSelect;
  if (existing) {
    if (existing.l.versionId === version.id)
      return { ...existing.l, versionNumber: version.number, versionSeq: version.seq };
    [row] = (await tx
      .update(labels)
      .set({ versionId: version.id, updatedAt: now })
      .where(eq(labels.id, existing.l.id))
      .returning()) as [typeof labels.$inferSelect];
  } else {
    [row] = (await tx
      .insert(labels)
      .values({
        id: uuidv7(),
        promptId: prompt.id,
        name,
        versionId: version.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning()) as [typeof labels.$inferSelect];
  }
  await tx.insert(labelHistory).values({
    promptId: prompt.id,
    labelName: name,
    fromVersion: existing?.number ?? null,
    toVersion: version.number,
    actor: actor.keyId,
    at: now,
  });
  await audit(
    tx,
    actor,
    prompt.workspaceId,
    existing ? 'label.move' : 'label.create',
    'label',
    row.id,
    existing ? { name, version: existing.number } : null,
    { name, version: version.number },
  );
  return { ...row, versionNumber: version.number, versionSeq: version.seq };
}

/**
 * Removes a label inside an open transaction (the prompt row locked by the caller): the move to
 * nothing is appended to the label history and audited, as every label change is.
 */
export async function removeLabel(
  tx: Tx,
  actor: Actor,
  prompt: Prompt,
  label: { id: string; name: string; number: number },
): Promise<void> {
  await tx.delete(labels).where(eq(labels.id, label.id));
  await tx.insert(labelHistory).values({
    promptId: prompt.id,
    labelName: label.name,
    fromVersion: label.number,
    toVersion: null,
    actor: actor.keyId,
  });
  await audit(
    tx,
    actor,
    prompt.workspaceId,
    'label.delete',
    'label',
    label.id,
    snapshot({ name: label.name, version: label.number }),
    null,
  );
}

/** A label to delete: by its prompt and name, or by its seq (PromptLayer's release_label_id). */
export type LabelRef = { prompt: PromptRef; name: string } | { seq: number };

export async function deleteLabel(
  ctx: RegistryContext,
  actor: Actor,
  target: LabelRef,
  opts: { ifMatch?: string } = {},
): Promise<{ prompt: Prompt; label: Label }> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, rec) => {
    const at = 'seq' in target ? await labelAtSeq(tx, actor, target.seq) : target;
    const name = at.name;
    const prompt = await lockPrompt(tx, rec, actor, at.prompt, opts.ifMatch);
    const existing = await findLabel(tx, prompt.id, name);
    if (!existing) throw labelNotFound({ label: name }, `label ${name} not found`);
    await removeLabel(tx, actor, prompt, { id: existing.l.id, name, number: existing.number });
    const p = await touchPrompt(tx, rec, prompt);
    return {
      prompt: p,
      label: { ...existing.l, versionNumber: existing.number, versionSeq: existing.versionSeq },
    };
  });
}

export async function listLabels(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  opts: { includeDeleted?: boolean } = {},
): Promise<{ prompt: Prompt; labels: Label[] }> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref, opts);
  // A deleted prompt's labels are dormant (a restore brings them back): none to show.
  if (prompt.deletedAt) return { prompt, labels: [] };
  const rows = await db
    .select({ l: labels, number: versions.number, versionSeq: versions.seq })
    .from(labels)
    .innerJoin(versions, eq(versions.id, labels.versionId))
    .where(eq(labels.promptId, prompt.id))
    .orderBy(asc(labels.name));
  return { prompt, labels: rows.map((r) => ({ ...r.l, versionNumber: r.number, versionSeq: r.versionSeq })) };
}

/** A label found by its integer seq (PromptLayer's release_label_id). */
export async function findLabelBySeq(
  ctx: RegistryContext,
  actor: Actor,
  seq: number,
): Promise<{ prompt: Prompt; label: Label }> {
  const db = ctx.store.db;
  const row = (
    await db
      .select({ l: labels, number: versions.number, versionSeq: versions.seq })
      .from(labels)
      .innerJoin(versions, eq(versions.id, labels.versionId))
      .where(eq(labels.seq, seq))
  )[0];
  if (!row) throw labelNotFound({ labelId: seq }, 'label not found');
  const prompt = await findPrompt(db, actor, { id: row.l.promptId });
  return { prompt, label: { ...row.l, versionNumber: row.number, versionSeq: row.versionSeq } };
}

/** The prompt and name of the label with this seq (a write then locks the prompt and re-reads it). */
export async function labelAtSeq(
  db: Executor,
  actor: Actor,
  seq: number,
): Promise<{ prompt: PromptRef; name: string }> {
  const row = (
    await db.select({ promptId: labels.promptId, name: labels.name }).from(labels).where(eq(labels.seq, seq))
  )[0];
  if (!row) throw labelNotFound({ labelId: seq }, 'label not found');
  const prompt = await findPrompt(db, actor, { id: row.promptId });
  return { prompt: { id: prompt.id }, name: row.name };
}

export async function labelHistoryOf(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  q: { limit: number; offset: number; label?: string },
): Promise<Page<LabelMove>> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref, { includeDeleted: true });
  const where = q.label
    ? and(eq(labelHistory.promptId, prompt.id), eq(labelHistory.labelName, q.label))
    : eq(labelHistory.promptId, prompt.id);
  const [items, total] = await Promise.all([
    db
      .select()
      .from(labelHistory)
      .where(where)
      .orderBy(desc(labelHistory.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(labelHistory).where(where),
  ]);
  return { items, total: Number(total[0]?.n ?? 0) };
}
