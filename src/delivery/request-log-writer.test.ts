// The batching writer's rules, over a sink the test controls (the database behind it is exercised
// by src/registry/request-log.test.ts and the crash test): flush by size and by time, retries while
// the sink fails without losing or reordering rows, a row the database refuses isolated and dropped
// alone, durable records answered only once committed, backpressure instead of drops, close flushes.
import { describe, expect, it, vi } from 'vitest';
import { LecternError } from '../model/errors.ts';
import type { RequestLogRow } from '../registry/request-log.ts';
import { RequestLogWriter, type RequestLogWriterOptions } from './request-log-writer.ts';

const row = (id: number): RequestLogRow => ({
  id,
  uniqueId: String(id),
  workspaceId: 'w',
  source: 'native',
  createdAt: new Date(),
});

const OPTS: RequestLogWriterOptions = { maxQueue: 100, batchSize: 10, flushMs: 20, waitMs: 2_000 };

function sink() {
  const written: number[] = [];
  const batches: number[] = [];
  let failWith: unknown = null;
  let refuse = new Set<number>();
  return {
    written,
    batches,
    fail(err: unknown) {
      failWith = err;
    },
    refuseIds(ids: number[]) {
      refuse = new Set(ids);
    },
    insert: async (rows: RequestLogRow[]) => {
      await new Promise((r) => setTimeout(r, 1));
      if (failWith) throw failWith;
      if (rows.some((r) => refuse.has(r.id))) throw Object.assign(new Error('bad data'), { code: '22P02' });
      batches.push(rows.length);
      written.push(...rows.map((r) => r.id));
    },
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A synchronous sink's or a request's CPU, holding the loop. */
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* CPU */
  }
};
const connectionLost = () => Object.assign(new Error('connection terminated'), { code: '08006' });

describe('request log writer', () => {
  it('goes back to the event loop between batches (a synchronous insert never holds it for all)', async () => {
    // A sink that resolves at once, as PGlite's synchronous WASM insert does: without a yield the
    // whole queue would be written in one macrotask, I/O waiting behind it.
    const order: string[] = [];
    const w = new RequestLogWriter(
      async (rows) => {
        order.push(`batch ${rows.length}`);
      },
      { ...OPTS, batchSize: 2, flushMs: 10_000 },
    );
    for (let i = 1; i <= 5; i++) await w.enqueue(row(i), false);
    const flushed = w.flush();
    setImmediate(() => order.push('io'));
    await flushed;
    expect(order.indexOf('io')).toBeGreaterThan(0);
    expect(order.indexOf('io')).toBeLessThan(order.length - 1);
    expect(order.filter((o) => o.startsWith('batch'))).toEqual(['batch 2', 'batch 2', 'batch 1']);
    await w.close();
  });

  it('paced while it keeps up: small statements, each followed by a pause twice as long', async () => {
    // A synchronous sink (PGlite's WASM insert): each statement holds the loop for ~3 ms. Paced, a
    // request in flight meets at most one small statement, not a run of full batches back to back.
    const spans: { start: number; end: number; rows: number }[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        /* the insert's CPU */
      }
    };
    const w = new RequestLogWriter(
      async (rows) => {
        const start = performance.now();
        busy(3);
        spans.push({ start, end: performance.now(), rows: rows.length });
      },
      { ...OPTS, batchSize: 32, quietBatch: 4, flushMs: 10_000 },
    );
    for (let i = 1; i <= 20; i++) await w.enqueue(row(i), false);
    await w.flush();
    expect(spans.map((s) => s.rows)).toEqual([4, 4, 4, 4, 4]);
    for (let i = 1; i < spans.length; i++) {
      const took = spans[i - 1]!.end - spans[i - 1]!.start;
      // The writer times the statement around the sink's call, so its pause is at least 2 × `took`.
      expect(spans[i]!.start - spans[i - 1]!.end).toBeGreaterThanOrEqual(2 * took);
    }
  });

  it('stays paced on a busy loop while nothing more arrives (utilisation is not the judge)', async () => {
    // The loop is busy all along (each turn 5 ms of CPU), as a process on a loaded machine reads,
    // yet the backlog only shrinks: small statements, so the one request in flight meets one.
    let requests = true;
    const serve = () => {
      if (!requests) return;
      spin(5);
      setImmediate(serve);
    };
    const batches: number[] = [];
    const w = new RequestLogWriter(
      async (rows) => {
        spin(1);
        batches.push(rows.length);
      },
      // A batch bigger than the backlog: no size flush starts the drain before all 200 wait.
      { ...OPTS, maxQueue: 10_000, batchSize: 256, quietBatch: 4, flushMs: 10_000 },
    );
    for (let i = 1; i <= 200; i++) await w.enqueue(row(i), false);
    serve();
    await w.flush();
    requests = false;
    expect(batches).toEqual(Array(50).fill(4));
    await w.close();
  });

  it('writes full batches back to back while records arrive faster than paced statements drain them', async () => {
    // 8 records a turn arrive while the writer drains (each statement 1 ms of CPU): paced 4-row
    // statements fall behind, the backlog grows past what the drain found, and throughput is what
    // every request then waits for.
    const batches: number[] = [];
    const w = new RequestLogWriter(
      async (rows) => {
        spin(1);
        batches.push(rows.length);
      },
      { ...OPTS, maxQueue: 10_000, batchSize: 32, quietBatch: 4, flushMs: 10_000 },
    );
    let next = 1;
    const arrive = () => {
      if (next > 2000) return;
      for (let i = 0; i < 8; i++) void w.enqueue(row(next++), false);
      setImmediate(arrive);
    };
    for (; next <= 40;) await w.enqueue(row(next++), false);
    const flushed = w.flush();
    arrive();
    await flushed;
    while (next <= 2000) await wait(5);
    await w.flush();
    expect(batches.filter((n) => n === 32).length).toBeGreaterThan(batches.length / 2);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(2000);
    await w.close();
  });

  it('paces nothing without a quiet batch (PostgreSQL inserts off the event loop)', async () => {
    const s = sink();
    const w = new RequestLogWriter(s.insert, { ...OPTS, batchSize: 10, flushMs: 10_000 });
    for (let i = 1; i <= 25; i++) await w.enqueue(row(i), false);
    await w.flush();
    expect(s.batches).toEqual([10, 10, 5]);
  });

  it('unpaced, leaves what came in during a statement for the timer instead of a statement at once', async () => {
    // Back to back, each statement carried the few rows that arrived during the one before: many
    // small statements, each with the database's fixed cost (and, on PGlite's thread, a wake-up).
    const batches: number[] = [];
    let inserting!: () => void;
    const started = new Promise<void>((r) => (inserting = r));
    const w = new RequestLogWriter(
      async (rows) => {
        inserting();
        await wait(5);
        batches.push(rows.length);
      },
      { ...OPTS, batchSize: 10, flushMs: 300 },
    );
    for (let i = 1; i <= 10; i++) await w.enqueue(row(i), false);
    await started;
    for (let i = 11; i <= 13; i++) await w.enqueue(row(i), false);
    await wait(60);
    expect(batches).toEqual([10]);
    await vi.waitFor(() => expect(batches).toEqual([10, 3]), { timeout: 2_000 });
    // A durable record still goes at once, with whatever waits beside it (group commit).
    for (let i = 14; i <= 15; i++) await w.enqueue(row(i), false);
    await w.enqueue(row(16), true);
    expect(batches).toEqual([10, 3, 3]);
    await w.close();
  });

  it('flushes a full batch at once and the rest after the interval', async () => {
    const s = sink();
    const w = new RequestLogWriter(s.insert, { ...OPTS, flushMs: 1_500 });
    for (let i = 1; i <= 10; i++) await w.enqueue(row(i), false);
    await vi.waitFor(() => expect(s.written).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { timeout: 1_000 });
    const t0 = Date.now();
    for (let i = 11; i <= 13; i++) await w.enqueue(row(i), false);
    await wait(20);
    expect(s.written).toHaveLength(10);
    await vi.waitFor(() => expect(s.written).toHaveLength(13), { timeout: 5_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
    await w.close();
  });

  it('keeps rows, in order, while the sink fails, and writes them when it is back', async () => {
    const s = sink();
    const w = new RequestLogWriter(s.insert, OPTS);
    s.fail(connectionLost());
    for (let i = 1; i <= 25; i++) await w.enqueue(row(i), false);
    await wait(150);
    expect(s.written).toEqual([]);
    await expect(w.flush()).rejects.toThrow('connection terminated');
    expect(w.queued(3)).toBeDefined();
    s.fail(null);
    await w.flush();
    expect(s.written).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await w.close();
  });

  it('drops only the row the database refuses as data', async () => {
    const s = sink();
    const errors: { rows: number; dropped: boolean }[] = [];
    const w = new RequestLogWriter(s.insert, { ...OPTS, onError: (_e, what) => errors.push(what) });
    s.refuseIds([4]);
    const durable = w.enqueue(row(4), true);
    for (const i of [1, 2, 3, 5]) await w.enqueue(row(i), false);
    await expect(durable).rejects.toThrow('bad data');
    await w.flush();
    expect(s.written.sort()).toEqual([1, 2, 3, 5]);
    expect(w.dropped).toBe(1);
    expect(errors).toContainEqual({ rows: 1, dropped: true });
    await w.close();
  });

  it('answers a durable record only after its commit, and unavailable if none comes in time', async () => {
    const s = sink();
    const w = new RequestLogWriter(s.insert, { ...OPTS, flushMs: 60_000, waitMs: 300 });
    await w.enqueue(row(1), true);
    expect(s.written).toEqual([1]);
    s.fail(connectionLost());
    const late = w.enqueue(row(2), true);
    await expect(late).rejects.toSatisfy((e) => e instanceof LecternError && e.kind === 'unavailable');
    // Not acknowledged, so not kept: a client's retry logs it once.
    expect(w.queued(2)).toBeUndefined();
    s.fail(null);
    await w.flush();
    expect(s.written).toEqual([1]);
    await w.close();
  });

  it('a full queue makes the writer wait for room instead of dropping', async () => {
    const s = sink();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async (rows: RequestLogRow[]) => {
      await gate;
      await s.insert(rows);
    };
    const w = new RequestLogWriter(slow, { ...OPTS, maxQueue: 5, batchSize: 5 });
    for (let i = 1; i <= 10; i++) await w.enqueue(row(i), false); // 5 in flight, 5 queued
    let accepted = false;
    const eleventh = w.enqueue(row(11), false).then(() => (accepted = true));
    await wait(50);
    expect(accepted).toBe(false);
    release();
    await eleventh;
    await w.flush();
    expect(s.written).toHaveLength(11);
    await w.close();
  });

  it('a writer that cannot get room in time is told unavailable, and nothing it was told is lost', async () => {
    const s = sink();
    s.fail(connectionLost());
    const w = new RequestLogWriter(s.insert, { ...OPTS, maxQueue: 3, batchSize: 3, waitMs: 200 });
    for (let i = 1; i <= 6; i++) await w.enqueue(row(i), false).catch(() => {});
    await expect(w.enqueue(row(7), false)).rejects.toSatisfy(
      (e) => e instanceof LecternError && e.kind === 'unavailable',
    );
    s.fail(null);
    await w.flush();
    // Every record whose enqueue resolved was written.
    expect(s.written.length).toBeGreaterThanOrEqual(3);
    expect(s.written).not.toContain(7);
    await w.close();
  });

  it("makes rows' texts a turn after they are queued, and again for a row handed out to be changed", async () => {
    const got: { ids: number[]; texts: (string | undefined)[] | undefined }[] = [];
    const encoded: number[] = [];
    const w = new RequestLogWriter(
      async (rows, texts) => {
        got.push({ ids: rows.map((r) => r.id), texts });
      },
      {
        ...OPTS,
        flushMs: 60_000,
        encode: (r) => {
          encoded.push(r.id);
          return `${r.id}:${r.model ?? ''}`;
        },
      },
    );
    await w.enqueue(row(1), false);
    await w.enqueue(row(2), false);
    // Not on the caller's turn (a gateway call logs before its answer goes out): one pass after.
    expect(encoded).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(encoded).toEqual([1, 2]);
    // Handed out to be changed in place (enrichment): made again when its batch is written.
    w.queued(2)!.model = 'changed';
    await w.enqueue(row(3), true); // durable: its statement goes now, its text made by the insert
    expect(got).toEqual([{ ids: [1, 2, 3], texts: ['1:', undefined, undefined] }]);
    await w.close();
  });

  it('without an encoder, the insert makes every text itself', async () => {
    const got: unknown[] = [];
    const w = new RequestLogWriter(
      async (_rows, texts) => {
        got.push(texts);
      },
      { ...OPTS, flushMs: 60_000 },
    );
    await w.enqueue(row(1), false);
    await new Promise((r) => setImmediate(r));
    await w.flush();
    expect(got).toEqual([undefined]);
    await w.close();
  });

  it('close flushes everything, then refuses new records', async () => {
    const s = sink();
    const w = new RequestLogWriter(s.insert, { ...OPTS, flushMs: 60_000 });
    for (let i = 1; i <= 7; i++) await w.enqueue(row(i), false);
    await w.close();
    expect(s.written).toHaveLength(7);
    await expect(w.enqueue(row(8), false)).rejects.toSatisfy(
      (e) => e instanceof LecternError && e.kind === 'unavailable',
    );
  });
});
