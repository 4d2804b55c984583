// External ids (PromptLayer): pairs (source, external_id) from a client's own systems, each naming at
// most one prompt per workspace (a database constraint). Every write is one transaction that first
// takes a transaction-scoped advisory lock per pair, then the prompt's row lock (always in that
// order, so no two writers deadlock): concurrent upserts of one new pair queue on the pair, and each
// one after the first finds the mapping the first committed and appends a version to its prompt.
//
// A mapping goes with its prompt. While the prompt is soft-deleted its mappings are dormant: not
// listed, not found by an upsert, and free for another prompt to take over (the row moves). A
// restore brings back the mappings that no other prompt took meanwhile.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../store/db.ts';
import { externalIds, prompts } from '../store/schema.ts';
import { badRequest, conflict, notFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, Prompt } from '../model/types.ts';
import {
  auditEntry,
  inTx,
  type AuditEntry,
  requireRole,
  resolveWorkspace,
  type RegistryContext,
} from './context.ts';
import { findPrompt, lockPrompt, touchPrompt, type PromptRef } from './prompts.ts';

export interface ExternalIdKey {
  source: string;
  externalId: string;
}

export type ExternalId = typeof externalIds.$inferSelect;

export const MAX_SOURCE = 128;
export const MAX_EXTERNAL_ID = 512;

export function validateExternalIdKey(k: ExternalIdKey): void {
  if (typeof k.source !== 'string' || k.source.length < 1 || k.source.length > MAX_SOURCE) {
    throw badRequest(`source must be 1 to ${MAX_SOURCE} characters`, { source: k.source });
  }
  if (typeof k.externalId !== 'string' || k.externalId.length < 1 || k.externalId.length > MAX_EXTERNAL_ID) {
    throw badRequest(`external_id must be 1 to ${MAX_EXTERNAL_ID} characters`);
  }
}

const describeKey = (k: ExternalIdKey) => `${k.source}/${k.externalId}`;

/**
 * Serialises the writers of the given pairs in a workspace until the transaction ends. Sorted, so
 * two writers locking several pairs take them in the same order.
 */
export async function lockPairs(tx: Tx, workspaceId: string, keys: readonly ExternalIdKey[]): Promise<void> {
  const texts = [...new Set(keys.map((k) => `${workspaceId}\u0001${k.source}\u0001${k.externalId}`))].sort();
  for (const text of texts) {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`lectern.external_id\u0001${text}`}, 0))`,
    );
  }
}

/** The live mapping of a pair in a workspace, with its (live) prompt; null when there is none. */
export async function findMapping(
  db: Executor,
  workspaceId: string,
  k: ExternalIdKey,
): Promise<{ row: ExternalId; prompt: Prompt } | null> {
  const found = (
    await db
      .select({ row: externalIds, prompt: prompts })
      .from(externalIds)
      .innerJoin(prompts, eq(prompts.id, externalIds.promptId))
      .where(
        and(
          eq(externalIds.workspaceId, workspaceId),
          eq(externalIds.source, k.source),
          eq(externalIds.externalId, k.externalId),
          isNull(prompts.deletedAt),
        ),
      )
  )[0];
  return found ?? null;
}

/** The mappings of one prompt, oldest first. */
export async function mappingsOf(db: Executor, promptId: string): Promise<ExternalId[]> {
  return db
    .select()
    .from(externalIds)
    .where(eq(externalIds.promptId, promptId))
    .orderBy(asc(externalIds.createdAt), asc(externalIds.source), asc(externalIds.externalId));
}

/**
 * Maps a pair onto a locked prompt inside an open transaction (its pair lock held). Idempotent on
 * the same prompt; a pair on another live prompt is a 409; a dormant pair (its prompt deleted) is
 * taken over. Returns null when the pair was already there. Does not touch the prompt row.
 */
export async function mapPair(
  tx: Tx,
  actor: Actor,
  prompt: Prompt,
  k: ExternalIdKey,
): Promise<{ row: ExternalId; audit: AuditEntry } | null> {
  const existing = (
    await tx
      .select({ row: externalIds, deletedAt: prompts.deletedAt })
      .from(externalIds)
      .innerJoin(prompts, eq(prompts.id, externalIds.promptId))
      .where(
        and(
          eq(externalIds.workspaceId, prompt.workspaceId),
          eq(externalIds.source, k.source),
          eq(externalIds.externalId, k.externalId),
        ),
      )
  )[0];
  if (existing?.row.promptId === prompt.id) return null;
  if (existing && existing.deletedAt === null) {
    throw conflict(`external id ${describeKey(k)} is already mapped to another prompt template`, {
      source: k.source,
      external_id: k.externalId,
    });
  }
  const now = new Date();
  let row: ExternalId;
  if (existing) {
    [row] = (await tx
      .update(externalIds)
      .set({ promptId: prompt.id, createdAt: now })
      .where(eq(externalIds.id, existing.row.id))
      .returning()) as [ExternalId];
  } else {
    [row] = (await tx
      .insert(externalIds)
      .values({
        id: uuidv7(),
        workspaceId: prompt.workspaceId,
        promptId: prompt.id,
        source: k.source,
        externalId: k.externalId,
        createdAt: now,
      })
      .returning()) as [ExternalId];
  }
  const before = existing ? { prompt_id: existing.row.promptId, ...pairJson(k) } : null;
  return {
    row,
    audit: auditEntry(actor, prompt.workspaceId, 'external_id.attach', 'external_id', row.id, before, {
      prompt_id: prompt.id,
      ...pairJson(k),
    }),
  };
}

const pairJson = (k: ExternalIdKey) => ({ source: k.source, external_id: k.externalId });

/**
 * Maps a pair onto a prompt (PromptLayer's attach). Attaching a pair the prompt already has changes
 * nothing (`created: false`); a pair mapped to another live prompt of the workspace is a 409.
 */
export async function attachExternalId(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  key: ExternalIdKey,
): Promise<{ prompt: Prompt; created: boolean; externalIds: ExternalId[] }> {
  requireRole(actor, 'editor');
  validateExternalIdKey(key);
  return inTx(ctx, async (tx, rec) => {
    // The pair lock comes before the prompt's row lock, as in the upsert (write.ts).
    const seen = await findPrompt(tx, actor, ref);
    await lockPairs(tx, seen.workspaceId, [key]);
    let prompt = await lockPrompt(tx, rec, actor, { id: seen.id }, undefined);
    const made = await mapPair(tx, actor, prompt, key);
    if (made) prompt = await touchPrompt(tx, rec, prompt, {}, made.audit);
    return { prompt, created: made !== null, externalIds: await mappingsOf(tx, prompt.id) };
  });
}

/** Removes a pair from a prompt; 404 when the prompt does not carry it. */
export async function detachExternalId(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  key: ExternalIdKey,
): Promise<{ prompt: Prompt; removed: ExternalId }> {
  requireRole(actor, 'editor');
  validateExternalIdKey(key);
  return inTx(ctx, async (tx, rec) => {
    const seen = await findPrompt(tx, actor, ref);
    await lockPairs(tx, seen.workspaceId, [key]);
    const prompt = await lockPrompt(tx, rec, actor, { id: seen.id }, undefined);
    const [removed] = await tx
      .delete(externalIds)
      .where(
        and(
          eq(externalIds.promptId, prompt.id),
          eq(externalIds.source, key.source),
          eq(externalIds.externalId, key.externalId),
        ),
      )
      .returning();
    if (!removed) {
      throw notFound(`external id ${describeKey(key)}`, { source: key.source, external_id: key.externalId });
    }
    const p = await touchPrompt(
      tx,
      rec,
      prompt,
      {},
      auditEntry(
        actor,
        prompt.workspaceId,
        'external_id.detach',
        'external_id',
        removed.id,
        { prompt_id: prompt.id, ...pairJson(key) },
        null,
      ),
    );
    return { prompt: p, removed };
  });
}

/** A live prompt's mappings, oldest first. */
export async function listExternalIds(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
): Promise<{ prompt: Prompt; externalIds: ExternalId[] }> {
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref);
  return { prompt, externalIds: await mappingsOf(db, prompt.id) };
}

/** The live prompt a pair names in the caller's workspace, or null. */
export async function findByExternalId(
  ctx: RegistryContext,
  actor: Actor,
  key: ExternalIdKey,
  workspace?: string,
): Promise<Prompt | null> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, workspace);
  return (await findMapping(db, ws.id, key))?.prompt ?? null;
}

/** The mappings of several prompts (a list page), in one query; prompts the actor cannot see get none. */
export async function externalIdsOf(
  ctx: RegistryContext,
  actor: Actor,
  promptIds: string[],
): Promise<Map<string, ExternalId[]>> {
  const out = new Map<string, ExternalId[]>();
  if (!promptIds.length) return out;
  const found = await ctx.store.db
    .select()
    .from(externalIds)
    .where(
      and(
        inArray(externalIds.promptId, promptIds),
        actor.workspaceId ? eq(externalIds.workspaceId, actor.workspaceId) : undefined,
      ),
    )
    .orderBy(asc(externalIds.createdAt), asc(externalIds.source), asc(externalIds.externalId));
  for (const e of found) out.set(e.promptId, [...(out.get(e.promptId) ?? []), e]);
  return out;
}
