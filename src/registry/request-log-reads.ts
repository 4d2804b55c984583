// The request log's reads (specs/runtime.md §4): a filtered list with a keyset cursor, one record
// in full, and per-version usage of a prompt — count, error rate, latency p50/p95, tokens, cost,
// mean score per name, optionally per time bucket — aggregated in SQL (percentile_cont runs the
// same on PGlite and PostgreSQL). Every read is scoped to the caller's workspace.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { labelHistory, requestLogs } from '../store/schema.ts';
import { badRequest, notFound } from '../model/errors.ts';
import type { Actor } from '../model/types.ts';
import type { RequestLogSource, RequestLogStatus, RequestScore } from '../model/request-log.ts';
import { requireRole, resolveWorkspace, type RegistryContext } from './context.ts';
import { findPrompt, type PromptRef } from './prompts.ts';
import { rowsOf } from './request-log.ts';

export type RequestLogRecord = typeof requestLogs.$inferSelect;

export interface RequestLogQuery {
  workspace?: string;
  prompt?: PromptRef;
  versionNumber?: number;
  label?: string;
  status?: RequestLogStatus;
  source?: RequestLogSource;
  model?: string;
  customer?: string;
  /** Records in this request group (PromptLayer `/create-group`). */
  groupId?: number;
  since?: Date;
  until?: Date;
  /** Records whose metadata has these string values (`metadata.key = value`). */
  metadata?: Record<string, string>;
  /** Records carrying every one of these tags. */
  tags?: string[];
  cursor?: string;
  limit: number;
}

export interface RequestLogPage {
  items: RequestLogRecord[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface UsageQuery {
  workspace?: string;
  since?: Date;
  until?: Date;
  /** Only the versions this label pointed to during the window (label history). */
  label?: string;
  /** Also answer per time bucket (for a chart). */
  bucket?: 'hour' | 'day';
}

export interface VersionUsage {
  version: number | null;
  count: number;
  errors: number;
  errorRate: number;
  latencyP50: number | null;
  latencyP95: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Mean value per score name. */
  scores: Record<string, number>;
  firstAt: Date | null;
  lastAt: Date | null;
}

export interface UsageBucket {
  start: Date;
  version: number | null;
  count: number;
  errors: number;
  latencyP50: number | null;
}

export interface PromptUsage {
  promptId: string;
  since: Date;
  until: Date;
  label: { name: string; versions: number[] } | null;
  versions: VersionUsage[];
  buckets: UsageBucket[] | null;
}

const DAY_MS = 86_400_000;
/** The default window of usage figures: the default retention. */
const DEFAULT_WINDOW_MS = 30 * DAY_MS;

function encodeCursor(r: { createdAt: Date; id: number }): string {
  return Buffer.from(`${r.createdAt.toISOString()}|${r.id}`).toString('base64url');
}

function decodeCursor(c: string): { at: Date; id: number } {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  const n = Number(id);
  if (Number.isNaN(d.getTime()) || !Number.isSafeInteger(n) || n < 1)
    throw badRequest('cursor is not one this API gave', { field: 'cursor' });
  return { at: d, id: n };
}

function checkWindow(since?: Date, until?: Date) {
  for (const [name, d] of [
    ['since', since],
    ['until', until],
  ] as const)
    if (d && Number.isNaN(d.getTime())) throw badRequest(`${name} must be a valid time`, { field: name });
  if (since && until && since > until) throw badRequest('since must not be after until', { field: 'since' });
}

async function workspaceIdOf(ctx: RegistryContext, actor: Actor, workspace?: string): Promise<string> {
  if (actor.workspaceId && !workspace) return actor.workspaceId;
  return (await resolveWorkspace(ctx.store.db, actor, workspace)).id;
}

export async function listRequestLogs(
  ctx: RegistryContext,
  actor: Actor,
  q: RequestLogQuery,
): Promise<RequestLogPage> {
  requireRole(actor, 'viewer');
  checkWindow(q.since, q.until);
  const db = ctx.store.db;
  const wsId = await workspaceIdOf(ctx, actor, q.workspace);
  const where: (SQL | undefined)[] = [eq(requestLogs.workspaceId, wsId)];
  if (q.prompt) {
    const p = await findPrompt(
      db,
      actor,
      { ...q.prompt, ...('name' in q.prompt ? { workspace: q.workspace } : {}) },
      {
        includeDeleted: true,
      },
    );
    where.push(eq(requestLogs.promptId, p.id));
  }
  if (q.versionNumber !== undefined) where.push(eq(requestLogs.versionNumber, q.versionNumber));
  if (q.label !== undefined) where.push(eq(requestLogs.label, q.label));
  if (q.status) where.push(eq(requestLogs.status, q.status));
  if (q.source) where.push(eq(requestLogs.source, q.source));
  if (q.model) where.push(or(eq(requestLogs.model, q.model), eq(requestLogs.responseModel, q.model)));
  if (q.customer) where.push(eq(requestLogs.customerIdentifier, q.customer));
  if (q.groupId !== undefined) where.push(eq(requestLogs.groupId, q.groupId));
  if (q.since) where.push(gte(requestLogs.createdAt, q.since));
  if (q.until) where.push(lte(requestLogs.createdAt, q.until));
  for (const [k, v] of Object.entries(q.metadata ?? {}))
    where.push(sql`${requestLogs.metadata}->>${k} = ${v}`);
  if (q.tags?.length)
    where.push(
      sql`${requestLogs.tags} @> ${sql`array[${sql.join(
        q.tags.map((t) => sql`${t}`),
        sql`, `,
      )}]::text[]`}`,
    );
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(
      or(lt(requestLogs.createdAt, c.at), and(eq(requestLogs.createdAt, c.at), lt(requestLogs.id, c.id))),
    );
  }
  const rows = await db
    .select()
    .from(requestLogs)
    .where(and(...where))
    .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!) : null };
}

export async function getRequestLog(
  ctx: RegistryContext,
  actor: Actor,
  idText: string,
  workspace?: string,
): Promise<RequestLogRecord> {
  requireRole(actor, 'viewer');
  const byUnique = /^[0-9a-f]{32}$/i.test(idText);
  if (!byUnique && !/^[1-9][0-9]{0,15}$/.test(idText))
    throw notFound(`request ${idText}`, { request_id: idText });
  const wsId = await workspaceIdOf(ctx, actor, workspace);
  const [row] = await ctx.store.db
    .select()
    .from(requestLogs)
    .where(
      and(
        eq(requestLogs.workspaceId, wsId),
        byUnique ? eq(requestLogs.uniqueId, idText.toLowerCase()) : eq(requestLogs.id, Number(idText)),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`request ${idText}`, { request_id: idText });
  return row;
}

/** The versions a label pointed to at some time in [since, until]. */
async function labelVersions(
  ctx: RegistryContext,
  promptId: string,
  label: string,
  since: Date,
  until: Date,
): Promise<number[]> {
  const db = ctx.store.db;
  const where = and(eq(labelHistory.promptId, promptId), eq(labelHistory.labelName, label));
  const [before] = await db
    .select({ to: labelHistory.toVersion })
    .from(labelHistory)
    .where(and(where, lte(labelHistory.at, since)))
    .orderBy(desc(labelHistory.at), desc(labelHistory.id))
    .limit(1);
  const during = await db
    .select({ to: labelHistory.toVersion })
    .from(labelHistory)
    .where(and(where, gt(labelHistory.at, since), lte(labelHistory.at, until)))
    .orderBy(asc(labelHistory.id));
  const set = new Set<number>();
  for (const r of [before, ...during]) if (r?.to !== null && r?.to !== undefined) set.add(r.to);
  return [...set].sort((a, b) => a - b);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dateOrNull = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);

export async function promptUsage(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  q: UsageQuery,
): Promise<PromptUsage> {
  requireRole(actor, 'viewer');
  checkWindow(q.since, q.until);
  const db = ctx.store.db;
  const prompt = await findPrompt(db, actor, ref, { includeDeleted: true });
  const until = q.until ?? new Date();
  const since = q.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  let label: PromptUsage['label'] = null;
  const where: SQL[] = [
    eq(requestLogs.workspaceId, prompt.workspaceId),
    eq(requestLogs.promptId, prompt.id),
    gte(requestLogs.createdAt, since),
    lte(requestLogs.createdAt, until),
  ];
  if (q.label !== undefined) {
    const versions = await labelVersions(ctx, prompt.id, q.label, since, until);
    label = { name: q.label, versions };
    where.push(versions.length ? inArray(requestLogs.versionNumber, versions) : sql`false`);
  }
  const cond = and(...where)!;
  const isError = sql`(${requestLogs.status} = 'error')`;
  const [stats, scores, buckets] = await Promise.all([
    db
      .select({
        version: requestLogs.versionNumber,
        count: sql<number>`count(*)::int`,
        errors: sql<number>`count(*) filter (where ${isError})::int`,
        p50: sql<number | null>`percentile_cont(0.5) within group (order by ${requestLogs.latencyMs})`,
        p95: sql<number | null>`percentile_cont(0.95) within group (order by ${requestLogs.latencyMs})`,
        inputTokens: sql<string | null>`sum(${requestLogs.inputTokens})`,
        outputTokens: sql<string | null>`sum(${requestLogs.outputTokens})`,
        cost: sql<number | null>`sum(${requestLogs.costUsd})`,
        firstAt: sql<string | null>`min(${requestLogs.createdAt})`,
        lastAt: sql<string | null>`max(${requestLogs.createdAt})`,
      })
      .from(requestLogs)
      .where(cond)
      .groupBy(requestLogs.versionNumber)
      .orderBy(sql`${requestLogs.versionNumber} desc nulls last`),
    db.execute(sql`
      select ${requestLogs.versionNumber} as version, s->>'name' as name, avg((s->>'value')::float8) as mean
        from ${requestLogs}, json_array_elements(${requestLogs.scores}) s
       where ${cond} and json_typeof(s->'value') = 'number'
       group by 1, 2 order by 2`),
    q.bucket
      ? db.execute(sql`
          select date_trunc(${q.bucket}, ${requestLogs.createdAt}, 'UTC') as start, ${requestLogs.versionNumber} as version,
                 count(*)::int as count, count(*) filter (where ${isError})::int as errors,
                 percentile_cont(0.5) within group (order by ${requestLogs.latencyMs}) as p50
            from ${requestLogs} where ${cond}
           group by 1, 2 order by 1, 2`)
      : Promise.resolve(null),
  ]);
  const meanScores = new Map<string, Record<string, number>>();
  for (const s of rowsOf<{ version: number | null; name: string; mean: number }>(scores)) {
    const key = String(s.version);
    const m = meanScores.get(key) ?? {};
    m[s.name] = Number(s.mean);
    meanScores.set(key, m);
  }
  return {
    promptId: prompt.id,
    since,
    until,
    label,
    versions: stats.map((r) => ({
      version: r.version,
      count: r.count,
      errors: r.errors,
      errorRate: r.count ? r.errors / r.count : 0,
      latencyP50: numOrNull(r.p50),
      latencyP95: numOrNull(r.p95),
      inputTokens: num(r.inputTokens),
      outputTokens: num(r.outputTokens),
      costUsd: num(r.cost),
      scores: meanScores.get(String(r.version)) ?? {},
      firstAt: dateOrNull(r.firstAt),
      lastAt: dateOrNull(r.lastAt),
    })),
    buckets: buckets
      ? rowsOf<{ start: string | Date; version: number | null; count: number; errors: number; p50: unknown }>(
          buckets,
        ).map((b) => ({
          start: new Date(b.start),
          version: b.version === null ? null : Number(b.version),
          count: Number(b.count),
          errors: Number(b.errors),
          latencyP50: numOrNull(b.p50),
        }))
      : null,
  };
}

export type { RequestScore };
