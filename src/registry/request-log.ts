// The request log's write side (specs/runtime.md §4): `logRequest` answers the ids at once and hands
// the row to a batching writer (src/delivery/request-log-writer.ts, attached by the server), which
// inserts it off the request path; `enrichRequest` adds to a record wherever it is — still queued
// (changed in memory), being inserted (waits for that insert), or stored (one transaction).
//
// Without an attached writer (a registry used on its own) every record is inserted before
// `logRequest` resolves: slower, never less safe.
import { and, eq, sql } from 'drizzle-orm';
import { requestGroups, requestLogs, requestLogSettings } from '../store/schema.ts';
import type { Executor } from '../store/db.ts';
import { insertJsonRows, rowJson, type InsertShape } from '../store/json-rows-insert.ts';
import { badRequest, notFound } from '../model/errors.ts';
import { isUuid, uuidv7, hex32 } from '../model/ids.ts';
import { costOf } from '../model/prices.ts';
import type { Actor, JsonObject } from '../model/types.ts';
import type {
  RequestLogEnrichment,
  RequestLogInput,
  RequestLogReceipt,
  RequestScore,
} from '../model/request-log.ts';
import { inTx, requireRole, resolveWorkspace, type RegistryContext } from './context.ts';
import type { PromptRef } from './prompts.ts';
import { getVersion, type VersionSelector } from './version-reads.ts';

export type RequestLogRow = typeof requestLogs.$inferInsert & { id: number; createdAt: Date };

/**
 * What the registry needs of a batching writer. `enqueue` resolves once the row is accepted (at
 * once while there is room; later while the queue is full: backpressure, never a drop) or, with
 * `durable`, once the row is committed.
 */
export interface RequestLogQueue {
  enqueue(row: RequestLogRow, durable: boolean): Promise<void>;
  /** The row while it waits in the queue (not yet handed to an insert). */
  queued(id: number): RequestLogRow | undefined;
  /** Settles when the insert that holds this row (if one is running) has finished. */
  inFlight(id: number): Promise<void> | undefined;
  /** Resolves when everything queued before the call is committed. */
  flush(): Promise<void>;
  /** Flushes and stops accepting. */
  close(): Promise<void>;
}

export interface LogRequestOptions {
  /**
   * Link the record to a stored prompt, resolved here (Keywords AI `prompt: {prompt_id, version}`):
   * an unknown prompt, version or label is the usual typed not-found. A label selector is recorded
   * as the record's label.
   */
  prompt?: { ref: PromptRef; version: VersionSelector };
  /**
   * Resolve only once the record is committed (group commit with whatever else is queued). The
   * logging routes whose clients retry on failure use it (runtime.md §0: "commit the log before
   * answering"); the gateway does not, and answers before the flush.
   */
  durable?: boolean;
}

/** Ids come from request_log_id_seq, which steps by this much: one nextval reserves a block. */
export const ID_BLOCK = 64;

const SOURCES = new Set(['pl.track', 'pl.log', 'pl.span', 'ka.gateway', 'ka.log', 'native']);
const STATUSES = new Set(['success', 'warning', 'error']);
const INT4_MAX = 2_147_483_647;

const TEXT_FIELDS = [
  'label',
  'externalPromptId',
  'provider',
  'model',
  'responseModel',
  'apiType',
  'functionName',
  'logType',
  'errorType',
  'errorMessage',
  'customerIdentifier',
  'customerName',
  'customerEmail',
  'groupIdentifier',
  'threadIdentifier',
  'customIdentifier',
  'traceId',
  'spanId',
  'parentSpanId',
  'spanName',
] as const;

const COUNT_FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const;

/** Hands out ids from reserved blocks; the next block is fetched before this one runs out. */
class IdBlocks {
  private next = 0;
  private end = 0;
  /** A block fetched ahead, not yet in use. */
  private ahead: number | null = null;
  private fetching: Promise<void> | null = null;
  constructor(private readonly fetch: () => Promise<number>) {}

  take(): number | Promise<number> {
    if (this.next >= this.end && this.ahead !== null) {
      this.next = this.ahead;
      this.end = this.ahead + ID_BLOCK;
      this.ahead = null;
    }
    if (this.next < this.end) {
      const id = this.next++;
      // A failed prefetch is tried again by the next take, which then reports its error.
      if (this.end - this.next < ID_BLOCK / 2 && this.ahead === null) this.prefetch().catch(() => {});
      return id;
    }
    return this.prefetch().then(() => this.take());
  }

  private prefetch(): Promise<void> {
    return (this.fetching ??= this.fetch()
      .then((start) => {
        this.ahead = start;
      })
      .finally(() => {
        this.fetching = null;
      }));
  }
}

export interface RequestLogService {
  logRequest(actor: Actor, input: RequestLogInput, opts?: LogRequestOptions): Promise<RequestLogReceipt>;
  enrichRequest(actor: Actor, id: string, e: RequestLogEnrichment): Promise<void>;
  /** Resolves once every record logged so far is committed (tests wait on it). */
  flushRequestLog(): Promise<void>;
  /** Flushes and detaches the writer (clean shutdown). */
  closeRequestLog(): Promise<void>;
  /**
   * Attaches a writer, made with the registry's own batch insert and the encoding of one row for
   * it (`texts[i]`, when given, is `encode(rows[i])` made earlier: the writer may make a row's
   * text when it is queued, so that a batch's statement only joins them).
   */
  attachRequestLogWriter(
    make: (
      insert: (rows: RequestLogRow[], texts?: (string | undefined)[]) => Promise<void>,
      encode: (row: RequestLogRow) => string,
    ) => RequestLogQueue,
  ): void;
  /** The batch insert a writer calls (store bodies per workspace setting, then one INSERT). */
  insertRequestLogs(rows: RequestLogRow[]): Promise<void>;
  getRequestLogSettings(actor: Actor): Promise<{ storeBodies: boolean }>;
  setRequestLogSettings(actor: Actor, s: { storeBodies: boolean }): Promise<{ storeBodies: boolean }>;
}

export function createRequestLog(ctx: RegistryContext): RequestLogService {
  let queue: RequestLogQueue | undefined;
  let defaultWorkspace: string | undefined;
  const ids = new IdBlocks(async () => {
    const r = await ctx.store.db.execute<{ v: number | string }>(
      sql`select nextval('request_log_id_seq') as v`,
    );
    return Number(rowsOf<{ v: number | string }>(r)[0]!.v);
  });

  // A workspace-bound key logs into its workspace; an all-workspace key into `default`, which
  // cannot be deleted, so it is looked up once.
  const workspaceOf = (actor: Actor): string | Promise<string> => {
    if (actor.workspaceId) return actor.workspaceId;
    if (defaultWorkspace) return defaultWorkspace;
    return resolveWorkspace(ctx.store.db, actor).then((ws) => (defaultWorkspace = ws.id));
  };

  const insertRows = async (db: Executor, rows: RequestLogRow[], texts?: (string | undefined)[]) => {
    // One statement: the workspace's "no bodies" setting is joined in (BODIES_BY_SETTING), not
    // read by a query of its own first. One json parameter, not drizzle's many-row builder: the
    // batch is built on the event loop, and the builder cost ~8x more per row
    // (store/json-rows-insert.ts).
    await insertJsonRows(db, requestLogs, rows, BODIES_BY_SETTING, texts);
  };

  return {
    attachRequestLogWriter(make) {
      queue = make(
        (rows, texts) => insertRows(ctx.store.db, rows, texts),
        (row) => rowJson(requestLogs, row),
      );
    },

    insertRequestLogs: (rows) => insertRows(ctx.store.db, rows),

    async logRequest(actor, input, opts = {}) {
      // Any key may log: applications run prompts with read-only keys.
      requireRole(actor, 'viewer');
      const base = toRow(input);
      // No cost sent: the price table's, when it knows the model and a token count is there.
      base.costUsd ??= costOf(
        ctx.prices,
        [base.model, base.responseModel],
        base.inputTokens,
        base.outputTokens,
      );
      if (opts.prompt) {
        const { prompt, version } = await getVersion(ctx, actor, opts.prompt.ref, opts.prompt.version);
        base.promptId = prompt.id;
        base.versionId = version.id;
        base.versionNumber = version.number;
        if ('label' in opts.prompt.version) base.label = opts.prompt.version.label;
      }
      const ws = workspaceOf(actor);
      const idOrP = ids.take();
      const workspaceId = typeof ws === 'string' ? ws : await ws;
      // A group the workspace does not have: the record is kept outside any group (what it logs
      // has happened; runtime.md §6.1), never handed to the writer to fail its foreign key.
      if (base.groupId != null && !(await groupExists(ctx.store.db, workspaceId, base.groupId)))
        base.groupId = null;
      const id = typeof idOrP === 'number' ? idOrP : await idOrP;
      const createdAt = new Date();
      // Completed in place: a copy spread from `base` allocated ~5 KB a record (toRow's is fresh).
      const row = base as RequestLogRow;
      row.id = id;
      row.workspaceId = workspaceId;
      row.createdAt = createdAt;
      row.uniqueId = hex32(uuidv7());
      const receipt: RequestLogReceipt = {
        id: String(id),
        uniqueId: row.uniqueId,
        createdAt,
        workspaceId,
        costUsd: row.costUsd ?? null,
      };
      if (queue) await queue.enqueue(row, opts.durable ?? false);
      else await insertRows(ctx.store.db, [row]);
      return receipt;
    },

    async enrichRequest(actor, idText, e) {
      requireRole(actor, 'viewer');
      const patch = checkEnrichment(e);
      const id = parseId(idText);
      const workspaceId = await workspaceOf(actor);
      if (patch.groupId != null && !(await groupExists(ctx.store.db, workspaceId, patch.groupId)))
        throw notFound(`Group ${patch.groupId}`, { group_id: patch.groupId });
      const waiting = queue?.queued(id);
      if (waiting && waiting.workspaceId === workspaceId) {
        applyEnrichment(waiting, patch);
        return;
      }
      // Being inserted right now: once that insert has settled the row is stored (or back in the
      // queue, if the insert failed and will be retried).
      const running = queue?.inFlight(id);
      if (running) {
        await running.catch(() => {});
        const back = queue?.queued(id);
        if (back && back.workspaceId === workspaceId) {
          applyEnrichment(back, patch);
          return;
        }
      }
      await inTx(ctx, async (tx) => {
        const [cur] = await tx
          .select({
            createdAt: requestLogs.createdAt,
            metadata: requestLogs.metadata,
            scores: requestLogs.scores,
            bodiesOmitted: requestLogs.bodiesOmitted,
          })
          .from(requestLogs)
          .where(and(eq(requestLogs.id, id), eq(requestLogs.workspaceId, workspaceId)))
          .for('update');
        if (!cur) throw notFound(`request ${idText}`, { request_id: idText });
        const next: RequestLogRow = {
          id,
          workspaceId,
          createdAt: cur.createdAt,
          uniqueId: '',
          source: 'native',
          metadata: cur.metadata,
          scores: cur.scores,
        };
        applyEnrichment(next, patch);
        const set: Partial<RequestLogRow> = {};
        if (patch.metadata) set.metadata = next.metadata;
        if (patch.scores) set.scores = next.scores;
        if (patch.link) {
          set.promptId = next.promptId ?? null;
          set.versionId = next.versionId ?? null;
          set.versionNumber = next.versionNumber ?? null;
          set.label = next.label ?? null;
        }
        if (patch.inputVariables !== undefined) {
          const [s] = await tx
            .select({ storeBodies: requestLogSettings.storeBodies })
            .from(requestLogSettings)
            .where(eq(requestLogSettings.workspaceId, workspaceId));
          if (s?.storeBodies !== false && !cur.bodiesOmitted) set.inputVariables = patch.inputVariables;
        }
        if (patch.groupId !== undefined) set.groupId = patch.groupId;
        if (!Object.keys(set).length) return;
        await tx
          .update(requestLogs)
          .set(set)
          .where(and(eq(requestLogs.id, id), eq(requestLogs.createdAt, cur.createdAt)));
      });
    },

    flushRequestLog: async () => {
      await queue?.flush();
    },

    async closeRequestLog() {
      const q = queue;
      queue = undefined;
      await q?.close();
    },

    async getRequestLogSettings(actor) {
      requireRole(actor, 'viewer');
      const workspaceId = await workspaceOf(actor);
      const [s] = await ctx.store.db
        .select({ storeBodies: requestLogSettings.storeBodies })
        .from(requestLogSettings)
        .where(eq(requestLogSettings.workspaceId, workspaceId));
      return { storeBodies: s?.storeBodies ?? true };
    },

    async setRequestLogSettings(actor, s) {
      // What a workspace keeps about its users' traffic is an administrator's decision.
      requireRole(actor, 'admin');
      if (typeof s.storeBodies !== 'boolean') throw badRequest('store_bodies must be a boolean');
      const workspaceId = await workspaceOf(actor);
      await ctx.store.db
        .insert(requestLogSettings)
        .values({ workspaceId, storeBodies: s.storeBodies })
        .onConflictDoUpdate({
          target: requestLogSettings.workspaceId,
          set: { storeBodies: s.storeBodies, updatedAt: new Date() },
        });
      return { storeBodies: s.storeBodies };
    },
  };
}

/** Rows of a raw `execute` on either driver (node-postgres answers `{rows}`, PGlite too). */
export function rowsOf<T>(r: unknown): T[] {
  return Array.isArray(r) ? (r as T[]) : ((r as { rows?: T[] }).rows ?? []);
}

function parseId(idText: string): number {
  if (typeof idText !== 'string' || !/^[1-9][0-9]{0,15}$/.test(idText))
    throw notFound(`request ${String(idText)}`, { request_id: idText });
  return Number(idText);
}

/**
 * The request log's insert applies a workspace's `store_bodies = false` in SQL, as
 * a batch once did in JS: the bodies and input variables become null, `bodies_omitted` true.
 */
const omit = 'coalesce(not s.store_bodies, false)';
export const BODIES_BY_SETTING: InsertShape = {
  join: 'left join request_log_settings s on s.workspace_id = r.workspace_id',
  columns: {
    request: `case when ${omit} then null else r.request end`,
    response: `case when ${omit} then null else r.response end`,
    input_variables: `case when ${omit} then null else r.input_variables end`,
    bodies_omitted: `r.bodies_omitted or ${omit}`,
  },
};

const invalid = (field: string, why: string) => badRequest(`${field} ${why}`, { field });

function text(field: string, v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(field, 'must be a string');
  // PostgreSQL text cannot hold NUL; refusing here keeps a bad record out of a whole batch.
  if (v.includes('\u0000')) throw invalid(field, 'must not contain NUL characters');
  return v;
}

function uuidOrNull(field: string, v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !isUuid(v)) throw invalid(field, 'must be a Lectern id (UUID)');
  return v.toLowerCase();
}

/** A request group's id: a positive integer (PromptLayer's `group_id`). */
function groupIdOf(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw invalid('groupId', 'must be a positive integer');
  return v;
}

/** Whether the workspace has this request group (a primary-key read). */
export async function groupExists(db: Executor, workspaceId: string, id: number): Promise<boolean> {
  const r = await db
    .select({ id: requestGroups.id })
    .from(requestGroups)
    .where(and(eq(requestGroups.id, id), eq(requestGroups.workspaceId, workspaceId)));
  return r.length > 0;
}

function count(field: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT4_MAX)
    throw invalid(field, 'must be a non-negative integer');
  return v;
}

function amount(field: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw invalid(field, 'must be a non-negative number');
  return v;
}

function date(field: string, v: unknown): Date | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw invalid(field, 'must be a valid time');
  return v;
}

function object(field: string, v: unknown): JsonObject | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(field, 'must be an object');
  return v as JsonObject;
}

function scoresOf(v: unknown): RequestScore[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalid('scores', 'must be a list');
  return v.map((s: unknown, i) => {
    const o = s as RequestScore;
    if (!o || typeof o !== 'object' || typeof o.name !== 'string' || !o.name)
      throw invalid(`scores[${i}].name`, 'must be a non-empty string');
    if (typeof o.value !== 'number' || !Number.isFinite(o.value))
      throw invalid(`scores[${i}].value`, 'must be a finite number');
    const out: RequestScore = { name: text(`scores[${i}].name`, o.name)!, value: o.value };
    if (o.source !== undefined) out.source = text(`scores[${i}].source`, o.source) ?? undefined;
    return out;
  });
}

/** A score of the same name replaces the earlier one; new names are appended. */
export function mergeScores(cur: readonly RequestScore[], add: readonly RequestScore[]): RequestScore[] {
  const out = [...cur];
  for (const s of add) {
    const at = out.findIndex((x) => x.name === s.name);
    if (at >= 0) out[at] = s;
    else out.push(s);
  }
  return out;
}

/** Validates a writer's input into a row (ids, workspace and time are added by logRequest). */
export function toRow(input: RequestLogInput): Omit<RequestLogRow, 'id' | 'workspaceId' | 'createdAt'> {
  if (!input || typeof input !== 'object') throw badRequest('a request log record must be an object');
  if (!SOURCES.has(input.source)) throw invalid('source', 'is not a known source');
  const status = input.status ?? 'success';
  if (!STATUSES.has(status)) throw invalid('status', 'must be success, warning or error');
  const row: Omit<RequestLogRow, 'id' | 'workspaceId' | 'createdAt'> = {
    uniqueId: '',
    source: input.source,
    promptId: uuidOrNull('promptId', input.promptId),
    versionId: uuidOrNull('versionId', input.versionId),
    versionNumber: count('versionNumber', input.versionNumber),
    inputVariables: object('inputVariables', input.inputVariables),
    request: input.request === undefined ? null : input.request,
    response: input.response === undefined ? null : input.response,
    bodiesOmitted: input.omitBodies === true,
    startTime: date('startTime', input.startTime),
    endTime: date('endTime', input.endTime),
    latencyMs: amount('latencyMs', input.latencyMs),
    ttftMs: amount('ttftMs', input.ttftMs),
    costUsd: amount('costUsd', input.costUsd),
    status,
    statusCode: count('statusCode', input.statusCode),
    tags: (input.tags ?? []).map((t, i) => text(`tags[${i}]`, t) ?? ''),
    metadata: object('metadata', input.metadata) ?? {},
    scores: scoresOf(input.scores) ?? [],
    stream: input.stream === true,
    attempts: input.attempts ?? null,
  };
  if (!Array.isArray(input.tags ?? [])) throw invalid('tags', 'must be a list of strings');
  for (const f of TEXT_FIELDS) (row as Record<string, unknown>)[f] = text(f, input[f]);
  for (const f of COUNT_FIELDS) (row as Record<string, unknown>)[f] = count(f, input[f]);
  row.groupId = groupIdOf(input.groupId);
  // A latency the writer did not measure follows from the times it gave.
  if (row.latencyMs === null && row.startTime && row.endTime)
    row.latencyMs = Math.max(0, row.endTime.getTime() - row.startTime.getTime());
  if (row.bodiesOmitted) Object.assign(row, { request: null, response: null, inputVariables: null });
  return row;
}

interface CheckedEnrichment {
  metadata?: JsonObject;
  scores?: RequestScore[];
  link?: {
    promptId: string | null;
    versionId: string | null;
    versionNumber: number | null;
    label: string | null;
  };
  inputVariables?: JsonObject | null;
  groupId?: number | null;
}

function checkEnrichment(e: RequestLogEnrichment): CheckedEnrichment {
  if (!e || typeof e !== 'object') throw badRequest('an enrichment must be an object');
  const out: CheckedEnrichment = {};
  if (e.metadata !== undefined) out.metadata = object('metadata', e.metadata) ?? {};
  const scores = scoresOf(e.scores);
  if (scores) out.scores = scores;
  if (
    e.promptId !== undefined ||
    e.versionId !== undefined ||
    e.versionNumber !== undefined ||
    e.label !== undefined
  )
    out.link = {
      promptId: uuidOrNull('promptId', e.promptId),
      versionId: uuidOrNull('versionId', e.versionId),
      versionNumber: count('versionNumber', e.versionNumber),
      label: text('label', e.label),
    };
  if (e.inputVariables !== undefined) out.inputVariables = object('inputVariables', e.inputVariables);
  if (e.groupId !== undefined) out.groupId = groupIdOf(e.groupId);
  return out;
}

function applyEnrichment(row: RequestLogRow, p: CheckedEnrichment): void {
  // Metadata merges key by key, later values winning (PromptLayer track-metadata).
  if (p.metadata) row.metadata = { ...(row.metadata ?? {}), ...p.metadata };
  if (p.scores) row.scores = mergeScores(row.scores ?? [], p.scores);
  if (p.link) Object.assign(row, p.link);
  if (p.inputVariables !== undefined && !row.bodiesOmitted) row.inputVariables = p.inputVariables;
  if (p.groupId !== undefined) row.groupId = p.groupId;
}
