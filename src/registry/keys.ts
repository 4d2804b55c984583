// API keys: 256 random bits, shown once, stored only as a SHA-256 hash. Lookup is an index probe on
// the hash; the final comparison is constant-time so response timing says nothing about a key.
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { apiKeys } from '../store/schema.ts';
import { badRequest, notFound, workspaceNotFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, ApiKey, Page, Role } from '../model/types.ts';
import { audit, inTx, requireRole, resolveWorkspace, snapshot, type RegistryContext } from './context.ts';

const KEY_PREFIX = 'lec_';

// crypto.hash (one shot, Node ≥ 20.12) is about twice as fast as createHash: it runs on every request.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export const hashKey = (secret: string): string =>
  oneShot ? oneShot('sha256', secret, 'hex') : createHash('sha256').update(secret, 'utf8').digest('hex');

export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * A key's public identifier, Langfuse's "public key": derived from the key id (not a secret, and
 * never enough to authenticate), so it needs no column and a Basic-auth pair is checked by comparing
 * it with the id of the key the secret resolves to.
 */
export const PUBLIC_KEY_PREFIX = 'pk-lec-';
export const publicKeyOf = (keyId: string): string => PUBLIC_KEY_PREFIX + keyId;

const publicKey = (row: typeof apiKeys.$inferSelect): ApiKey => {
  const { hash: _hash, ...rest } = row;
  return { ...rest, publicKey: publicKeyOf(row.id) };
};

const ROLES: Role[] = ['admin', 'editor', 'viewer'];

export interface KeyInput {
  name: string;
  role: Role;
  /** Workspace name; omitted for an admin key means every workspace. */
  workspace?: string | null;
  /** Use this secret instead of a random one (bootstrap from LECTERN_ADMIN_KEY). */
  secret?: string;
}

export async function createKey(
  ctx: RegistryContext,
  actor: Actor | null,
  input: KeyInput,
): Promise<{ key: ApiKey; secret: string }> {
  if (actor) requireRole(actor, 'admin');
  if (!ROLES.includes(input.role)) throw badRequest(`role must be one of ${ROLES.join(', ')}`);
  if (!input.name || input.name.length > 200) throw badRequest('name must be 1 to 200 characters');
  if (input.secret !== undefined && input.secret.length < 16)
    throw badRequest('a key secret needs at least 16 characters');
  return inTx(ctx, async (tx) => {
    let workspaceId: string | null = null;
    if (input.workspace) {
      const system: Actor = actor ?? {
        keyId: '00000000-0000-0000-0000-000000000000',
        role: 'admin',
        workspaceId: null,
      };
      workspaceId = (await resolveWorkspace(tx, system, input.workspace)).id;
    } else if (input.role !== 'admin' || (actor && actor.workspaceId)) {
      // Non-admin keys always belong to one workspace; a workspace admin mints keys for its own.
      workspaceId =
        actor?.workspaceId ??
        (await resolveWorkspace(tx, { keyId: '', role: 'admin', workspaceId: null })).id;
    }
    if (actor?.workspaceId && workspaceId !== actor.workspaceId)
      throw workspaceNotFound(input.workspace ?? '');
    const secret = input.secret ?? generateSecret();
    const [row] = await tx
      .insert(apiKeys)
      .values({
        id: uuidv7(),
        name: input.name,
        prefix: secret.slice(0, 12),
        hash: hashKey(secret),
        workspaceId,
        role: input.role,
      })
      .returning();
    await audit(tx, actor, workspaceId, 'key.create', 'api_key', row!.id, null, snapshot(publicKey(row!)));
    return { key: publicKey(row!), secret };
  });
}

export async function listKeys(
  ctx: RegistryContext,
  actor: Actor,
  q: { limit: number; offset: number; includeRevoked?: boolean },
): Promise<Page<ApiKey>> {
  requireRole(actor, 'admin');
  const db = ctx.store.db;
  const conds = [
    actor.workspaceId ? eq(apiKeys.workspaceId, actor.workspaceId) : undefined,
    q.includeRevoked ? undefined : isNull(apiKeys.revokedAt),
  ];
  const where = and(...conds);
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(apiKeys)
      .where(where)
      .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(apiKeys).where(where),
  ]);
  return { items: rows.map(publicKey), total: Number(total[0]?.n ?? 0) };
}

export async function revokeKey(ctx: RegistryContext, actor: Actor, id: string): Promise<ApiKey> {
  requireRole(actor, 'admin');
  return inTx(ctx, async (tx, changed) => {
    const row = (await tx.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
    if (!row || (actor.workspaceId && row.workspaceId !== actor.workspaceId)) throw notFound('api key');
    if (row.revokedAt) return publicKey(row);
    const [updated] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, id))
      .returning();
    await audit(
      tx,
      actor,
      row.workspaceId,
      'key.revoke',
      'api_key',
      id,
      snapshot(publicKey(row)),
      snapshot(publicKey(updated!)),
    );
    changed({ kind: 'key', workspaceId: row.workspaceId, keyId: id });
    return publicKey(updated!);
  });
}

/** Resolves a presented secret to the caller, or null for an unknown or revoked key. */
export async function authenticate(ctx: RegistryContext, secret: string): Promise<Actor | null> {
  if (!secret || secret.length > 512) return null;
  const hash = hashKey(secret);
  const row = (
    await ctx.store.db
      .select({
        id: apiKeys.id,
        hash: apiKeys.hash,
        role: apiKeys.role,
        workspaceId: apiKeys.workspaceId,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.hash, hash))
  )[0];
  if (!row || row.revokedAt) return null;
  if (!timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return { keyId: row.id, role: row.role, workspaceId: row.workspaceId };
}

export async function countActiveKeys(ctx: RegistryContext): Promise<number> {
  const r = await ctx.store.db.select({ n: count() }).from(apiKeys).where(isNull(apiKeys.revokedAt));
  return Number(r[0]?.n ?? 0);
}

export type EnsuredKey = {
  key: ApiKey;
  /**
   * `created` / `present`: the key exists and works. `revoked`: it was revoked (through the API or
   * the CLI) and stays so. `reinstated`: it was revoked and the operator asked to undo that.
   */
  state: 'created' | 'present' | 'revoked' | 'reinstated';
};

/**
 * Finds the key for a bootstrap secret, creating an all-workspace admin key for it if absent. A
 * revoked key is never brought back silently: only with `reinstate` (the operator's explicit ask),
 * and then audited as `key.reinstate` and announced to other processes like any key change.
 */
export async function ensureKey(
  ctx: RegistryContext,
  secret: string,
  name: string,
  opts: { reinstate?: boolean } = {},
): Promise<EnsuredKey> {
  const found = (
    await ctx.store.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hash, hashKey(secret)))
  )[0];
  if (!found)
    return { key: (await createKey(ctx, null, { name, role: 'admin', secret })).key, state: 'created' };
  if (!found.revokedAt) return { key: publicKey(found), state: 'present' };
  if (!opts.reinstate) return { key: publicKey(found), state: 'revoked' };
  return inTx(ctx, async (tx, changed) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: null })
      .where(and(eq(apiKeys.id, found.id), isNotNull(apiKeys.revokedAt)))
      .returning();
    // Reinstated meanwhile by another process starting with the same setting: nothing to record.
    if (!row) return { key: publicKey({ ...found, revokedAt: null }), state: 'present' as const };
    await audit(
      tx,
      null,
      row.workspaceId,
      'key.reinstate',
      'api_key',
      row.id,
      snapshot(publicKey(found)),
      snapshot(publicKey(row)),
    );
    changed({ kind: 'key', workspaceId: row.workspaceId, keyId: row.id });
    return { key: publicKey(row), state: 'reinstated' as const };
  });
}
