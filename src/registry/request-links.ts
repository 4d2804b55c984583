// Request-log use cases that tie a record to a prompt version or a group (PromptLayer's tracking
// calls): the version is resolved and the record written in one registry call. A link to a
// prompt or version that is not there (or is another workspace's) leaves the record unlinked
// when the call is a log of something that already happened (the LLM call cannot be undone;
// runtime.md §6.1), and is a not-found when the call is an explicit link (track-prompt, §6.2).
//
// Groups (PromptLayer `/create-group`) are rows of request_groups (drizzle/0011): an id in a
// workspace, when and by which key it was made. A record's group_id references one of its own
// workspace's groups; the request log checks that before a record or an enrichment is accepted.
import { and, count, desc, eq, inArray, lt, max, min, sql } from 'drizzle-orm';
import { requestGroups, requestLogs } from '../store/schema.ts';
import { badRequest, isFault, notFound } from '../model/errors.ts';
import type { Actor } from '../model/types.ts';
import type { RequestLogEnrichment, RequestLogInput, RequestLogReceipt } from '../model/request-log.ts';
import { requireRole, resolveWorkspace, type RegistryContext } from './context.ts';
import type { PromptRef } from './prompts.ts';
import { getVersion, type Resolved, type VersionSelector } from './version-reads.ts';
import { type LogRequestOptions, type RequestLogService } from './request-log.ts';

/** Which version a record belongs to: a prompt and a selector (label, number, or the newest). */
export interface PromptLink {
  prompt: PromptRef;
  select: VersionSelector;
}

export interface LinkedLog {
  input: RequestLogInput;
  link?: PromptLink | null;
}

export interface LinkedReceipt extends RequestLogReceipt {
  /** The version the record was tied to, or null when it stayed unlinked. */
  resolved: Resolved | null;
}

const missing = (e: unknown) =>
  isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found', 'not_found');

async function resolveLink(ctx: RegistryContext, actor: Actor, link: PromptLink): Promise<Resolved | null> {
  try {
    return await getVersion(ctx, actor, link.prompt, link.select);
  } catch (e) {
    if (missing(e)) return null;
    throw e;
  }
}

const linkFields = (r: Resolved, label: string | null | undefined) => ({
  promptId: r.prompt.id,
  versionId: r.version.id,
  versionNumber: r.version.number,
  ...(label ? { label } : {}),
});

/**
 * Logs records, each tied to the version its link names when there is one (else unlinked), and
 * answers their ids in order. Everything is resolved before anything is logged, so a failure to
 * resolve (the database down) logs nothing.
 */
export async function logLinkedRequests(
  ctx: RegistryContext,
  log: RequestLogService,
  actor: Actor,
  items: LinkedLog[],
  opts: LogRequestOptions = {},
): Promise<LinkedReceipt[]> {
  const resolved = await Promise.all(
    items.map((it) => (it.link ? resolveLink(ctx, actor, it.link) : Promise.resolve(null))),
  );
  return Promise.all(
    items.map(async (it, i) => {
      const r = resolved[i] ?? null;
      const label = it.link && 'label' in it.link.select ? it.link.select.label : undefined;
      const input = r ? { ...it.input, ...linkFields(r, label) } : it.input;
      return { ...(await log.logRequest(actor, input, opts)), resolved: r };
    }),
  );
}

/** Ties a logged request to a version (track-prompt); an unknown prompt or version is a not-found. */
export async function linkRequest(
  ctx: RegistryContext,
  log: RequestLogService,
  actor: Actor,
  id: string,
  link: PromptLink,
  extra: RequestLogEnrichment = {},
): Promise<Resolved> {
  const r = await getVersion(ctx, actor, link.prompt, link.select);
  const label = 'label' in link.select ? link.select.label : null;
  await log.enrichRequest(actor, id, { ...extra, ...linkFields(r, label), label });
  return r;
}

/** A group with what its records add up to (committed records; queued ones count once flushed). */
export interface RequestGroup {
  id: number;
  workspaceId: string;
  createdAt: Date;
  createdBy: string | null;
  requestCount: number;
  firstRequestAt: Date | null;
  lastRequestAt: Date | null;
}

export interface RequestGroupPage {
  items: RequestGroup[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A new request group in the caller's workspace (admin keys: `default`, or the one named); answers
 * the group. Making a group is part of logging, so it takes the role logging takes (viewer).
 */
export async function createRequestGroup(
  ctx: RegistryContext,
  actor: Actor,
  workspace?: string,
): Promise<RequestGroup> {
  requireRole(actor, 'viewer');
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, workspace);
  const [row] = await db
    .insert(requestGroups)
    .values({
      id: sql`nextval('request_group_id_seq')`,
      workspaceId: ws.id,
      createdBy: actor.keyId,
    })
    .returning();
  const g = row!;
  return { ...g, id: Number(g.id), requestCount: 0, firstRequestAt: null, lastRequestAt: null };
}

/** Record count and first/last record time of some of a workspace's groups: one grouped scan. */
async function groupStats(
  ctx: RegistryContext,
  workspaceId: string,
  groups: (typeof requestGroups.$inferSelect)[],
) {
  if (!groups.length) return [];
  const stats = await ctx.store.db
    .select({
      groupId: requestLogs.groupId,
      n: count(),
      first: min(requestLogs.createdAt),
      last: max(requestLogs.createdAt),
    })
    .from(requestLogs)
    .where(
      and(
        eq(requestLogs.workspaceId, workspaceId),
        inArray(
          requestLogs.groupId,
          groups.map((g) => Number(g.id)),
        ),
      ),
    )
    .groupBy(requestLogs.groupId);
  const by = new Map(stats.map((s) => [Number(s.groupId), s]));
  return groups.map((g) => {
    const s = by.get(Number(g.id));
    return toGroup({ g, n: s?.n ?? 0, first: s?.first ?? null, last: s?.last ?? null });
  });
}

const toGroup = (r: {
  g: typeof requestGroups.$inferSelect;
  n: number | null;
  first: Date | string | null;
  last: Date | string | null;
}): RequestGroup => ({
  ...r.g,
  id: Number(r.g.id),
  requestCount: Number(r.n ?? 0),
  firstRequestAt: r.first === null ? null : new Date(r.first),
  lastRequestAt: r.last === null ? null : new Date(r.last),
});

/** One group of the caller's workspace with its record count; another workspace's is a not-found. */
export async function getRequestGroup(
  ctx: RegistryContext,
  actor: Actor,
  id: number,
  workspace?: string,
): Promise<RequestGroup> {
  requireRole(actor, 'viewer');
  const gone = () => notFound(`Group ${id}`, { group_id: id });
  if (!Number.isSafeInteger(id) || id < 1) throw gone();
  const ws = await resolveWorkspace(ctx.store.db, actor, workspace);
  const rows = await ctx.store.db
    .select()
    .from(requestGroups)
    .where(and(eq(requestGroups.workspaceId, ws.id), eq(requestGroups.id, id)))
    .limit(1);
  if (!rows[0]) throw gone();
  return (await groupStats(ctx, ws.id, rows))[0]!;
}

/** The caller's workspace's groups, newest first, keyset-paged on the id (ids only grow). */
export async function listRequestGroups(
  ctx: RegistryContext,
  actor: Actor,
  q: { workspace?: string; cursor?: string; limit: number },
): Promise<RequestGroupPage> {
  requireRole(actor, 'viewer');
  let before: number | undefined;
  if (q.cursor !== undefined) {
    before = Number(q.cursor);
    if (!/^[1-9][0-9]{0,15}$/.test(q.cursor) || !Number.isSafeInteger(before))
      throw badRequest('cursor is not one this API gave', { field: 'cursor' });
  }
  const ws = await resolveWorkspace(ctx.store.db, actor, q.workspace);
  const page = await ctx.store.db
    .select()
    .from(requestGroups)
    .where(
      and(
        eq(requestGroups.workspaceId, ws.id),
        before === undefined ? undefined : lt(requestGroups.id, before),
      ),
    )
    .orderBy(desc(requestGroups.id))
    .limit(q.limit + 1);
  const more = page.length > q.limit;
  const items = await groupStats(ctx, ws.id, more ? page.slice(0, q.limit) : page);
  return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
}

/** Puts a logged request into a group of the caller's workspace; either unknown is a not-found. */
export async function groupRequest(
  _ctx: RegistryContext,
  log: RequestLogService,
  actor: Actor,
  id: string,
  groupId: number,
): Promise<void> {
  if (!Number.isSafeInteger(groupId) || groupId < 1)
    throw notFound(`Group ${groupId}`, { group_id: groupId });
  await log.enrichRequest(actor, id, { groupId });
}
