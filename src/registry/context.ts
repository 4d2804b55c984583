// What every use case shares: the store, the caller's scope and role, the transaction wrapper that
// turns database constraint errors into domain errors, and change notifications for caches.
import type { PriceTable } from '../model/prices.ts';
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor, Store, Tx } from '../store/db.ts';
import { auditEvents, workspaces } from '../store/schema.ts';
import { LecternError, forbidden, workspaceNotFound } from '../model/errors.ts';
import type { Actor, Json, Role, Workspace } from '../model/types.ts';
import { DEFAULT_WORKSPACE } from '../model/types.ts';

export interface Change {
  kind: 'prompt' | 'key' | 'workspace';
  workspaceId: string | null;
  promptId?: string;
  keyId?: string;
}

export interface RegistryContext {
  store: Store;
  /** Called after a transaction commits, with what it changed (caches listen here). */
  emit(changes: Change[]): void;
  /**
   * Set while a change feed publishes to other processes: the NOTIFY payload for a transaction's
   * changes, sent from inside that transaction (see inTx).
   */
  publish?: { channel: string; encode(changes: readonly Change[]): string };
  /** Prices that give a logged request its cost when the caller sent none (model/prices.ts). */
  prices: PriceTable;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function requireRole(actor: Actor, role: Role): void {
  if (RANK[actor.role] < RANK[role]) {
    throw forbidden(`this API key's role (${actor.role}) cannot do this; it needs ${role}`, role);
  }
}

/**
 * What a transaction changed, recorded by the step that takes the write lock (lockPrompt,
 * insertPrompt, …) — so a write cannot forget to record, and records before its statements run.
 * Call it with a change to record one. `notification()` is the NOTIFY (a `select pg_notify(…)`) for
 * the changes recorded and not yet published, for the write's last statement to carry as a CTE (one
 * round trip less); what it returns counts as published.
 */
export interface Recorder {
  (change: Change): void;
  notification(): SQL | undefined;
  /** The same NOTIFY as `pg_notify`'s two arguments (for a statement built once: store/statement-shapes.ts). */
  notice(): { channel: string; payload: string } | undefined;
}

/**
 * Runs `fn` in one transaction; after commit, emits the changes it recorded. With a change feed,
 * the changes are also published (NOTIFY) from inside the transaction — by a statement of the write
 * that took `rec.notification()`, or as the transaction's last statement: PostgreSQL delivers a
 * notification only when, and as soon as, its transaction commits — never for a rollback, and
 * never lost between a commit and a separate NOTIFY — and it costs no extra connection checkout.
 */
export async function inTx<T>(ctx: RegistryContext, fn: (tx: Tx, rec: Recorder) => Promise<T>): Promise<T> {
  const changes: Change[] = [];
  let published = 0;
  const pub = ctx.publish;
  const rec = ((c: Change) => {
    changes.push(c);
  }) as Recorder;
  rec.notice = () => {
    if (!pub || changes.length === published) return undefined;
    const payload = pub.encode(changes.slice(published));
    published = changes.length;
    return { channel: ctx.store.notifyChannel(pub.channel), payload };
  };
  rec.notification = () => {
    const n = rec.notice();
    return n && sql`select pg_notify(${n.channel}, ${n.payload})`;
  };
  let result: T;
  try {
    result = await ctx.store.db.transaction(async (tx) => {
      const r = await fn(tx, rec);
      // Whatever no statement of the write carried goes out now.
      const rest = rec.notification();
      if (rest) await tx.execute(rest);
      return r;
    });
  } catch (err) {
    throw translateDbError(err);
  }
  if (changes.length) ctx.emit(changes);
  return result;
}

/** Maps PostgreSQL constraint violations onto domain errors (both drivers carry `code`). */
export function translateDbError(err: unknown): unknown {
  if (err instanceof LecternError) return err;
  // The store's typed faults (a lost connection: `unavailable`) arrive wrapped by the query builder.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof LecternError) return cause;
  const e = (err as { cause?: { code?: string; constraint?: string } })?.cause ?? (err as { code?: string });
  const code = (e as { code?: string })?.code;
  const constraint = (e as { constraint?: string })?.constraint ?? '';
  if (code === '23505') {
    const what = constraint.includes('name') ? 'name' : 'value';
    return new LecternError({ kind: 'name_taken', constraint }, `a record with this ${what} already exists`, {
      constraint,
    });
  }
  if (code === '40001' || code === '40P01') {
    return new LecternError({ kind: 'retry' }, 'concurrent update, please retry', { retryable: true });
  }
  if (code === '22P02' || code === '22003' || code === '22021' || code === '54000') {
    return new LecternError({ kind: 'invalid' }, 'a value is out of range or malformed');
  }
  return err;
}

/**
 * Resolves the workspace a call acts in. A workspace-bound key always acts in its own workspace and
 * sees any other as absent (404, never 403); an all-workspace key names one, or gets `default`.
 */
export async function resolveWorkspace(
  db: Executor,
  actor: Actor,
  name?: string,
  lock?: 'share' | 'update',
): Promise<Workspace> {
  const q = db
    .select()
    .from(workspaces)
    .where(
      and(
        actor.workspaceId && !name
          ? eq(workspaces.id, actor.workspaceId)
          : eq(workspaces.name, name ?? DEFAULT_WORKSPACE),
        isNull(workspaces.deletedAt),
      ),
    )
    .limit(1);
  const rows = await (lock ? q.for(lock) : q);
  const ws = rows[0];
  if (!ws || (actor.workspaceId && ws.id !== actor.workspaceId)) {
    throw workspaceNotFound(name ?? DEFAULT_WORKSPACE);
  }
  return ws;
}

export function canSeeWorkspace(actor: Actor, workspaceId: string): boolean {
  return actor.workspaceId === null || actor.workspaceId === workspaceId;
}

export type AuditEntry = typeof auditEvents.$inferInsert;

/** An audit event to write (by `audit`, or by the statement that makes the change: see touchPrompt). */
export function auditEntry(
  actor: Actor | null,
  workspaceId: string | null,
  action: string,
  entityType: string,
  entityId: string,
  before: Json,
  after: Json,
): AuditEntry {
  return { workspaceId, actor: actor?.keyId ?? null, action, entityType, entityId, before, after };
}

export async function audit(
  tx: Tx,
  actor: Actor | null,
  workspaceId: string | null,
  action: string,
  entityType: string,
  entityId: string,
  before: Json,
  after: Json,
): Promise<void> {
  await tx
    .insert(auditEvents)
    .values(auditEntry(actor, workspaceId, action, entityType, entityId, before, after));
}

/** Dates become ISO strings so audit payloads are plain JSON. */
export function snapshot(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}
