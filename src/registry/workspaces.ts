// Workspaces (tenants) and projects (NeMo's grouping inside a workspace).
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { projects, prompts, workspaces } from '../store/schema.ts';
import { badRequest, conflict, LecternError, projectNotFound } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, JsonObject, Page, Project, Workspace } from '../model/types.ts';
import { audit, inTx, requireRole, resolveWorkspace, snapshot, type RegistryContext } from './context.ts';

export interface NamedInput {
  name: string;
  description?: string | null;
  metadata?: JsonObject;
}

function checkName(name: string) {
  if (typeof name !== 'string' || !name || name.length > 255)
    throw badRequest('name must be 1 to 255 characters');
}

export async function createWorkspace(
  ctx: RegistryContext,
  actor: Actor,
  input: NamedInput,
): Promise<Workspace> {
  requireRole(actor, 'admin');
  // A workspace's admin manages what is in it, not which workspaces exist: refused as deleting
  // its own workspace is (403, never the 404 that would say the name is free).
  if (actor.workspaceId) {
    const [own] = await ctx.store.db
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, actor.workspaceId));
    throw new LecternError(
      { kind: 'forbidden', needs: 'admin', reason: 'all_workspaces_only' },
      `this API key is the admin key of workspace ${own?.name ?? '?'} only; creating a workspace needs an admin key for all workspaces`,
    );
  }
  checkName(input.name);
  return inTx(ctx, async (tx, changed) => {
    const [row] = await tx
      .insert(workspaces)
      .values({
        id: uuidv7(),
        name: input.name,
        description: input.description ?? null,
        metadata: input.metadata ?? {},
      })
      .returning();
    await audit(tx, actor, row!.id, 'workspace.create', 'workspace', row!.id, null, snapshot(row));
    changed({ kind: 'workspace', workspaceId: row!.id });
    return row!;
  });
}

/** Makes sure a workspace exists (start-up bootstrap of `default` and `system`). */
export async function ensureWorkspace(ctx: RegistryContext, name: string): Promise<Workspace> {
  const db = ctx.store.db;
  await db
    .insert(workspaces)
    .values({ id: uuidv7(), name })
    .onConflictDoNothing({ target: workspaces.name, where: isNull(workspaces.deletedAt) });
  return (
    await db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.name, name), isNull(workspaces.deletedAt)))
  )[0]!;
}

export async function listWorkspaces(
  ctx: RegistryContext,
  actor: Actor,
  q: { limit: number; offset: number },
): Promise<Page<Workspace>> {
  const db = ctx.store.db;
  const where = actor.workspaceId
    ? and(isNull(workspaces.deletedAt), eq(workspaces.id, actor.workspaceId))
    : isNull(workspaces.deletedAt);
  const [items, total] = await Promise.all([
    db.select().from(workspaces).where(where).orderBy(asc(workspaces.seq)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(workspaces).where(where),
  ]);
  return { items, total: Number(total[0]?.n ?? 0) };
}

export async function getWorkspace(ctx: RegistryContext, actor: Actor, name: string): Promise<Workspace> {
  return resolveWorkspace(ctx.store.db, actor, name);
}

/** Soft-deletes a workspace that holds no live prompts. */
export async function deleteWorkspace(ctx: RegistryContext, actor: Actor, name: string): Promise<Workspace> {
  requireRole(actor, 'admin');
  return inTx(ctx, async (tx, changed) => {
    // Locked before the count: a prompt create share-locks the row (insertPrompt), so it either
    // committed before and is counted, or waits and then finds the workspace gone.
    const ws = await resolveWorkspace(tx, actor, name, 'update');
    // Any other workspace is absent to a bound key (404 above); its own is there, and refused: a
    // workspace's admin manages what is in it, not whether it exists (docs/api.md).
    if (actor.workspaceId) {
      throw new LecternError(
        { kind: 'forbidden', needs: 'admin', reason: 'all_workspaces_only' },
        `this API key is the admin key of workspace ${ws.name} only; deleting a workspace needs an admin key for all workspaces`,
      );
    }
    if (name === 'default') throw conflict('the default workspace cannot be deleted');
    const live = await tx
      .select({ n: count() })
      .from(prompts)
      .where(and(eq(prompts.workspaceId, ws.id), isNull(prompts.deletedAt)));
    if (Number(live[0]?.n ?? 0) > 0) throw conflict(`workspace ${name} still holds prompts`);
    const [row] = await tx
      .update(workspaces)
      .set({ deletedAt: new Date() })
      .where(eq(workspaces.id, ws.id))
      .returning();
    await audit(tx, actor, ws.id, 'workspace.delete', 'workspace', ws.id, snapshot(ws), snapshot(row));
    changed({ kind: 'workspace', workspaceId: ws.id });
    return row!;
  });
}

export async function createProject(
  ctx: RegistryContext,
  actor: Actor,
  workspace: string,
  input: NamedInput,
): Promise<Project> {
  requireRole(actor, 'editor');
  checkName(input.name);
  return inTx(ctx, async (tx, changed) => {
    const ws = await resolveWorkspace(tx, actor, workspace);
    // Responses that name a prompt's project are cached per workspace: they must drop too.
    changed({ kind: 'prompt', workspaceId: ws.id });
    const [row] = await tx
      .insert(projects)
      .values({
        id: uuidv7(),
        workspaceId: ws.id,
        name: input.name,
        description: input.description ?? null,
        metadata: input.metadata ?? {},
      })
      .returning();
    await audit(tx, actor, ws.id, 'project.create', 'project', row!.id, null, snapshot(row));
    return row!;
  });
}

export async function listProjects(
  ctx: RegistryContext,
  actor: Actor,
  workspace: string,
  q: { limit: number; offset: number },
): Promise<Page<Project>> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, workspace);
  const where = and(eq(projects.workspaceId, ws.id), isNull(projects.deletedAt));
  const [items, total] = await Promise.all([
    db.select().from(projects).where(where).orderBy(asc(projects.createdAt)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(projects).where(where),
  ]);
  return { items, total: Number(total[0]?.n ?? 0) };
}

export async function getProject(
  ctx: RegistryContext,
  actor: Actor,
  workspace: string,
  name: string,
): Promise<Project> {
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, workspace);
  const row = (
    await db
      .select()
      .from(projects)
      .where(and(eq(projects.workspaceId, ws.id), eq(projects.name, name), isNull(projects.deletedAt)))
  )[0];
  if (!row) throw projectNotFound(name);
  return row;
}

export async function deleteProject(
  ctx: RegistryContext,
  actor: Actor,
  workspace: string,
  name: string,
): Promise<Project> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const ws = await resolveWorkspace(tx, actor, workspace);
    changed({ kind: 'prompt', workspaceId: ws.id });
    const row = (
      await tx
        .update(projects)
        .set({ deletedAt: new Date() })
        .where(and(eq(projects.workspaceId, ws.id), eq(projects.name, name), isNull(projects.deletedAt)))
        .returning()
    )[0];
    if (!row) throw projectNotFound(name);
    await audit(tx, actor, ws.id, 'project.delete', 'project', row.id, snapshot(row), null);
    return row;
  });
}

/** What a NeMo `PUT` may change: the name is the key and stays; the description is replaced. */
export interface NamedUpdate {
  description: string | null;
}

/** Replaces a workspace's mutable fields (its description); `updated_at` moves. */
export async function updateWorkspace(
  ctx: RegistryContext,
  actor: Actor,
  name: string,
  input: NamedUpdate,
): Promise<Workspace> {
  requireRole(actor, 'admin');
  return inTx(ctx, async (tx, changed) => {
    const ws = await resolveWorkspace(tx, actor, name, 'update');
    const [row] = await tx
      .update(workspaces)
      .set({ description: input.description, updatedAt: new Date() })
      .where(eq(workspaces.id, ws.id))
      .returning();
    await audit(tx, actor, ws.id, 'workspace.update', 'workspace', ws.id, snapshot(ws), snapshot(row));
    changed({ kind: 'workspace', workspaceId: ws.id });
    return row!;
  });
}

/** Replaces a project's mutable fields (its description); projects cannot be renamed (NeMo). */
export async function updateProject(
  ctx: RegistryContext,
  actor: Actor,
  workspace: string,
  name: string,
  input: NamedUpdate,
): Promise<Project> {
  requireRole(actor, 'editor');
  return inTx(ctx, async (tx, changed) => {
    const ws = await resolveWorkspace(tx, actor, workspace);
    const live = and(eq(projects.workspaceId, ws.id), eq(projects.name, name), isNull(projects.deletedAt));
    const before = (await tx.select().from(projects).where(live).for('update'))[0];
    if (!before) throw projectNotFound(name);
    const [row] = await tx
      .update(projects)
      .set({ description: input.description, updatedAt: new Date() })
      .where(eq(projects.id, before.id))
      .returning();
    await audit(tx, actor, ws.id, 'project.update', 'project', row!.id, snapshot(before), snapshot(row));
    // Responses that show a prompt's project are cached per workspace.
    changed({ kind: 'prompt', workspaceId: ws.id });
    return row!;
  });
}
