// The request log's batching writer: records are queued in memory and inserted in batches, off the
// request path (docs/request-log.md).
//
// - Flush by size (`batchSize` rows waiting) or by time (`flushMs` after the first waiting row), and
//   at once for a durable record (group commit: whatever else is waiting goes in the same INSERT).
// - Bounded: at `maxQueue` waiting rows a new record waits for room (backpressure). A record is
//   never dropped once acknowledged; a writer that cannot get room within `waitMs` is told
//   `unavailable` (not acknowledged) instead.
// - A failed insert (the database away) puts its rows back at the front and is retried with
//   backoff; a row the database refuses as data (it cannot be written, ever) is isolated by
//   inserting its batch row by row, and only that row is dropped and reported.
// - Unpaced (PostgreSQL, PGlite on its own thread), statements carry full batches: what is left
//   after one waits for the flush timer unless a full batch, a durable record or a writer waiting
//   for room wants a statement now.
// - Paced while it keeps up (`quietBatch`, for PGlite run on the event loop): small
//   statements, each followed by a pause twice as long as it took, so a request in flight meets at
//   most one short insert instead of a run of full ones (the gateway's p99 over a direct call,
//   docs/performance.md). Records arriving faster than that drains them (the backlog grows past
//   what the drain started with) or a deep backlog: full batches back to back, because then
//   throughput is what every request waits for. Judged by the queue, not by event-loop
//   utilisation: a process serving one request at a time passes 0.8 once a paced drain adds its
//   own statements (and reads near 1 on a loaded machine), and full back-to-back statements were
//   then what that request met.
//   A durable record behind a paced backlog waits for the statements ahead of it (a few ms more).
// - With `encode`, each row's text for the statement is made soon after it is queued (one
//   setImmediate for whatever came in during a turn of the loop: after the response that logged it
//   went out), so a statement only joins texts. Made all at once when the flush timer fired, ~70
//   rows of JSON (1-2 ms) held up whichever request was in flight: one of the slowest 1 % of the
//   gateway's sequential calls each time (docs/performance.md, "Gateway, wave 10"). A row handed
//   out by `queued()` (to be changed in place) is encoded again.
// - `close()` (clean shutdown) flushes everything. A crash loses what was acknowledged and not yet
//   flushed: at most `flushMs` plus one insert's time of non-durable records, and while paced what
//   is still being drained (at most a quarter of `maxQueue`; docs/request-log.md).
import { performance } from 'node:perf_hooks';
import { unavailable, LecternError } from '../model/errors.ts';
import type { RequestLogQueue, RequestLogRow } from '../registry/request-log.ts';

export interface RequestLogWriterOptions {
  maxQueue: number;
  batchSize: number;
  flushMs: number;
  /** How long a record may wait for room, or a durable one for its commit. */
  waitMs: number;
  /**
   * Rows per statement while the writer keeps up, each statement followed by a pause twice as
   * long as it took (unset: always `batchSize`, back to back — PostgreSQL, where an INSERT runs in the
   * database's process, not on the event loop).
   */
  quietBatch?: number;
  /**
   * A row's text for the statement (the insert's `texts`), made soon after it is queued rather
   * than when its batch is written (unset: the insert makes its own).
   */
  encode?: (row: RequestLogRow) => string;
  /** Told of failed inserts (retried) and of rows dropped because the database refused them. */
  onError?: (err: unknown, what: { rows: number; dropped: boolean }) => void;
}

export const DEFAULT_WRITER_OPTIONS: RequestLogWriterOptions = {
  maxQueue: 10_000,
  batchSize: 500,
  flushMs: 200,
  waitMs: 10_000,
};

const MAX_BACKOFF_MS = 5_000;

/** What the writer has done since start (exported at /metrics, src/server/metrics.ts). */
export interface RequestLogWriterStats {
  /** INSERT statements that committed (a batch, or one row of a batch being isolated). */
  batches: number;
  /** Rows committed. */
  rowsWritten: number;
  /** Inserts that failed and were put back to be retried. */
  failedInserts: number;
  /** Records that found the queue full and had to wait for room. */
  backpressureWaits: number;
  /** Rows the database refused as data (dropped and reported). */
  dropped: number;
}

/** One statement's rows; `texts[i]`, when there, is `encode(rows[i])` made earlier. */
export type RequestLogInsertFn = (rows: RequestLogRow[], texts?: (string | undefined)[]) => Promise<void>;

/** Told of every insert statement: how long it took and how many rows it carried. */
export type InsertObserver = (seconds: number, rows: number, ok: boolean) => void;

interface Durable {
  resolve(): void;
  reject(err: unknown): void;
  /** Its wait ran out while it was being inserted: settle with whatever that insert did. */
  expired: boolean;
  timer: NodeJS.Timeout;
}

/** A batch that failed part-way: `rest` are the rows not written. */
class PartialFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly rest: RequestLogRow[],
  ) {
    super('request log insert failed');
  }
}

/** Data the database refuses (class 22 data exception, 23 integrity): retrying cannot help. */
function refusedAsData(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof LecternError) return e.fault.kind !== 'unavailable';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) return true;
  }
  return false;
}

export class RequestLogWriter implements RequestLogQueue {
  private queue: RequestLogRow[] = [];
  private byId = new Map<number, RequestLogRow>();
  private running = new Map<number, Promise<void>>();
  private durable = new Map<number, Durable>();
  private room: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private closed = false;
  /** `flush()` calls waiting: drains go on to the end of the queue for them. */
  private flushing = 0;
  private failures = 0;
  private lastError: unknown = null;
  readonly stats: RequestLogWriterStats = {
    batches: 0,
    rowsWritten: 0,
    failedInserts: 0,
    backpressureWaits: 0,
    dropped: 0,
  };
  private readonly observers = new Set<InsertObserver>();
  /** Rows' texts made ahead (`encode`), by id; rows queued since the last encoding pass. */
  private readonly texts = new Map<number, string>();
  private toEncode: RequestLogRow[] = [];

  constructor(
    private readonly insert: RequestLogInsertFn,
    private readonly opts: RequestLogWriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  /** Rows waiting and being inserted (metrics). */
  get depth(): number {
    return this.queue.length + this.running.size;
  }

  /** Rows the database refused as data, since start. */
  get dropped(): number {
    return this.stats.dropped;
  }

  /** Calls `fn` after every insert statement; returns an unsubscribe function. */
  observe(fn: InsertObserver): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** One insert statement, timed and counted. */
  private async timedInsert(rows: RequestLogRow[], texts?: (string | undefined)[]): Promise<void> {
    const t0 = performance.now();
    let ok = false;
    try {
      await this.insert(rows, texts);
      ok = true;
      this.stats.batches++;
      this.stats.rowsWritten += rows.length;
    } finally {
      const s = (performance.now() - t0) / 1000;
      for (const o of this.observers) o(s, rows.length, ok);
    }
  }

  async enqueue(row: RequestLogRow, durable: boolean): Promise<void> {
    if (this.closed) throw unavailable('the request log is shutting down', 1);
    if (this.queue.length >= this.opts.maxQueue) this.stats.backpressureWaits++;
    while (this.queue.length >= this.opts.maxQueue) await this.waitForRoom();
    if (this.closed) throw unavailable('the request log is shutting down', 1);
    this.queue.push(row);
    this.byId.set(row.id, row);
    if (!durable) {
      if (this.opts.encode && this.toEncode.push(row) === 1) setImmediate(this.encodeQueued);
      this.schedule();
      return;
    }
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.expire(row.id), this.opts.waitMs);
      timer.unref();
      this.durable.set(row.id, { resolve, reject, expired: false, timer });
    });
    this.kick();
    return done;
  }

  queued(id: number): RequestLogRow | undefined {
    // The caller may change it (enrichment): its text is made again.
    this.texts.delete(id);
    return this.byId.get(id);
  }

  /** Makes the texts of the rows queued since the last pass that are still waiting. */
  private readonly encodeQueued = () => {
    const rows = this.toEncode;
    this.toEncode = [];
    const encode = this.opts.encode!;
    for (const r of rows) {
      if (this.byId.get(r.id) !== r || this.texts.has(r.id)) continue;
      try {
        this.texts.set(r.id, encode(r));
      } catch {
        // Its batch's insert makes it again and meets the same error there, where it is handled.
      }
    }
  };

  inFlight(id: number): Promise<void> | undefined {
    return this.running.get(id);
  }

  async flush(): Promise<void> {
    this.flushing++;
    try {
      for (;;) {
        if (!this.loop) {
          if (!this.queue.length) return;
          this.kick();
        }
        await this.loop;
        if (this.lastError !== null && this.queue.length) throw this.lastError;
      }
    } finally {
      this.flushing--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.room.splice(0)) wake();
    const deadline = Date.now() + this.opts.waitMs;
    // Retried while the database may come back; what is still queued after the deadline is lost
    // and said so.
    for (;;) {
      try {
        await this.flush();
        break;
      } catch (err) {
        if (Date.now() > deadline) {
          this.opts.onError?.(err, { rows: this.queue.length, dropped: true });
          for (const r of this.queue.splice(0)) this.settle(r.id, err);
          this.byId.clear();
          this.texts.clear();
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private waitForRoom(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.room.indexOf(wake);
        if (at >= 0) this.room.splice(at, 1);
        reject(unavailable('the request log is full (its database is not keeping up)', 1));
      }, this.opts.waitMs);
      timer.unref();
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.room.push(wake);
      this.kick();
    });
  }

  private schedule(): void {
    if (this.queue.length >= this.opts.batchSize) return this.kick();
    if (this.timer || this.loop) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.opts.flushMs);
    this.timer.unref();
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.loop) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (!this.queue.length) return;
      if (this.lastError === null) return this.schedule();
      // The database is away: try again after a backoff, doubling up to MAX_BACKOFF_MS.
      const wait = Math.min(MAX_BACKOFF_MS, this.opts.flushMs * 2 ** Math.min(this.failures, 10));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.kick();
      }, wait);
      this.timer.unref();
    });
  }

  /** Inserts batches until the queue is empty or an insert fails (never rejects). */
  private async drain(): Promise<void> {
    // The backlog this drain was started for: while what waits stays within it, paced statements
    // keep up with what arrives meanwhile.
    const found = Math.max(this.queue.length, this.opts.quietBatch ?? 0);
    for (let tookMs = -1; this.queue.length;) {
      // Back to the event loop between batches: on PGlite each INSERT runs on it, and the
      // requests that arrived meanwhile go first (a promise chain alone would never yield).
      const paced = this.paced(found);
      // Unpaced, a partial batch left after a statement waits for the flush timer instead of going
      // at once: back to back, every statement carried the few rows that came in during the one
      // before (~9 rows at the gateway's single-request rate, ~0.65 ms of the database's fixed
      // cost each, plus a message and a wake-up of its thread), where one full batch a flush does.
      if (tookMs >= 0 && !paced && !this.wanted()) break;
      // Twice the statement: a request it held up still has its own work to finish (about as long
      // again: ~0.6 ms of CPU and the upstream's answer) before the next one may start; a pause of
      // just `tookMs` let the requests hit at their start meet the next statement too.
      if (tookMs >= 0) await this.pause(paced ? 2 * tookMs : 0);
      if (!this.queue.length) break;
      const batch = this.queue.splice(0, paced ? this.opts.quietBatch : this.opts.batchSize);
      const t0 = performance.now();
      for (const r of batch) this.byId.delete(r.id);
      const texts = this.textsOf(batch);
      let settled!: () => void;
      const attempt = new Promise<void>((r) => (settled = r));
      for (const r of batch) this.running.set(r.id, attempt);
      for (const wake of this.room.splice(0, batch.length)) wake();
      try {
        await this.insertIsolating(batch, texts);
        tookMs = performance.now() - t0;
        this.failures = 0;
        this.lastError = null;
        for (const r of batch) this.settle(r.id);
      } catch (err) {
        const fail = err as PartialFailure;
        for (const r of batch) if (!fail.rest.includes(r)) this.settle(r.id);
        // Back at the front, in order; durable rows whose wait ran out are answered now instead.
        const back = fail.rest.filter((r) => {
          const d = this.durable.get(r.id);
          if (d?.expired) {
            this.settle(r.id, unavailable('the request log could not be written', 1, fail.cause));
            return false;
          }
          return true;
        });
        this.queue.unshift(...back);
        for (const r of back) this.byId.set(r.id, r);
        this.failures++;
        this.stats.failedInserts++;
        this.lastError = fail.cause;
        this.opts.onError?.(fail.cause, { rows: back.length, dropped: false });
        return;
      } finally {
        for (const r of batch) this.running.delete(r.id);
        settled();
      }
    }
  }

  /**
   * Another statement now, unpaced: a full batch waits, or someone waits on the queue (a durable
   * record for its commit, a writer for room, `flush()` or `close()`).
   */
  private wanted(): boolean {
    return (
      this.queue.length >= this.opts.batchSize ||
      this.durable.size > 0 ||
      this.room.length > 0 ||
      this.flushing > 0
    );
  }

  /**
   * Small statements with pauses: a quiet batch is set, the backlog has not grown past what the
   * drain started with (`found`: it keeps up), and it is under a quarter of the bound.
   */
  private paced(found: number): boolean {
    if (!this.opts.quietBatch) return false;
    return this.queue.length <= found && this.queue.length <= this.opts.maxQueue / 4;
  }

  /** Gives the event loop back: for `ms` (at least one turn), so requests in flight go first. */
  private async pause(ms: number): Promise<void> {
    if (ms < 1) return new Promise<void>((r) => setImmediate(r));
    // A timer counts from the loop's clock, read before the synchronous insert just run, so it can
    // fire that much early: wait out what is left until the pause has really lasted `ms`.
    const until = performance.now() + ms;
    for (let left = ms; left > 0; left = until - performance.now())
      await new Promise<void>((r) => setTimeout(r, Math.max(1, left)));
  }

  /** The texts made ahead for a batch's rows, taken out (undefined: none made ahead). */
  private textsOf(batch: RequestLogRow[]): (string | undefined)[] | undefined {
    if (!this.texts.size) return undefined;
    const out = new Array<string | undefined>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const id = batch[i]!.id;
      out[i] = this.texts.get(id);
      this.texts.delete(id);
    }
    return out;
  }

  private async insertIsolating(batch: RequestLogRow[], texts?: (string | undefined)[]): Promise<void> {
    try {
      await this.timedInsert(batch, texts);
      return;
    } catch (err) {
      if (!refusedAsData(err) || batch.length === 1) {
        if (batch.length === 1 && refusedAsData(err)) return this.drop(batch[0]!, err);
        throw new PartialFailure(err, batch);
      }
    }
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.timedInsert([batch[i]!], texts && [texts[i]]);
      } catch (err) {
        if (refusedAsData(err)) this.drop(batch[i]!, err);
        else throw new PartialFailure(err, batch.slice(i));
      }
    }
  }

  private drop(row: RequestLogRow, err: unknown): void {
    this.stats.dropped++;
    this.opts.onError?.(err, { rows: 1, dropped: true });
    this.settle(row.id, err);
  }

  private settle(id: number, err?: unknown): void {
    const d = this.durable.get(id);
    if (!d) return;
    this.durable.delete(id);
    clearTimeout(d.timer);
    if (err === undefined) d.resolve();
    else d.reject(err);
  }

  private expire(id: number): void {
    const d = this.durable.get(id);
    if (!d) return;
    if (this.byId.has(id)) {
      // Still waiting (the database is away): taken out, so a client that retries logs it once.
      this.byId.delete(id);
      this.texts.delete(id);
      this.queue = this.queue.filter((r) => r.id !== id);
      this.settle(id, unavailable('the request log could not be written in time', 1, this.lastError));
    } else d.expired = true;
  }
}
