// Request-log use cases that tie a record to a prompt version or a group (PromptLayer's tracking
// calls): the version is resolved and the record written in one registry call. A link to a
// prompt or version that is not there (or is another workspace's) leaves the record unlinked
// when the call is a log of something that already happened (the LLM call cannot be undone;
// runtime.md §6.1), and is a not-found when the call is an explicit link (track-prompt, §6.2).
//
// Groups (PromptLayer `/create-group`) are rows of request_groups (drizzle/0011): an id in a
// workspace, when and by which key it was made. A record's group_id references one of its own
// workspace's groups; the request log checks that before a record or an enrichment is accepted.
import { sql } from 'drizzle-orm';
import { requestGroups } from '../store/schema.ts';
import { isFault, notFound } from '../model/errors.ts';
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

/** A new request group in the caller's workspace (admin keys: `default`); answers its id. */
export async function createRequestGroup(ctx: RegistryContext, actor: Actor): Promise<{ id: number }> {
  requireRole(actor, 'viewer');
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor);
  const [row] = await db
    .insert(requestGroups)
    .values({
      id: sql`nextval('request_group_id_seq')`,
      workspaceId: ws.id,
      createdBy: actor.keyId,
    })
    .returning({ id: requestGroups.id });
  return { id: Number(row!.id) };
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
