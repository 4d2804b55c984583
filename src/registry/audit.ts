// The append-only audit log, read back a page at a time.
import { and, count, desc, eq } from 'drizzle-orm';
import { auditEvents } from '../store/schema.ts';
import type { Actor, AuditEvent, Page } from '../model/types.ts';
import { requireRole, resolveWorkspace, type RegistryContext } from './context.ts';

/**
 * A workspace-bound key reads its workspace's events. An all-workspace (admin) key reads the
 * workspace it names, or — naming none — the whole log: every workspace's events and those that
 * belong to none (all-workspace keys being created and revoked, bootstrap), which no workspace
 * filter could ever reach.
 */
export async function listAudit(
  ctx: RegistryContext,
  actor: Actor,
  q: { workspace?: string; entityId?: string; action?: string; limit: number; offset: number },
): Promise<Page<AuditEvent>> {
  requireRole(actor, 'viewer');
  const db = ctx.store.db;
  const everything = actor.workspaceId === null && q.workspace === undefined;
  const ws = everything ? null : await resolveWorkspace(db, actor, q.workspace);
  const where = and(
    ws ? eq(auditEvents.workspaceId, ws.id) : undefined,
    q.entityId ? eq(auditEvents.entityId, q.entityId) : undefined,
    q.action ? eq(auditEvents.action, q.action) : undefined,
  );
  const [items, total] = await Promise.all([
    db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(auditEvents).where(where),
  ]);
  return { items, total: Number(total[0]?.n ?? 0) };
}
