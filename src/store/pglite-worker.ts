// The PGlite database thread: owns the embedded database and answers the server's thread
// (pglite-thread.ts), so PostgreSQL-in-WASM runs on another core than the one serving HTTP.
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { toTransferable } from '../model/json-order.ts';
import { openPgliteDatabase } from './pglite-open.ts';
import { errorFields, type Reply, type Request, type ThreadStart } from './pglite-thread-protocol.ts';

const port = parentPort!;
const start = workerData as ThreadStart;
const post = (m: Reply, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

/** Open transactions by id, each with how the server's thread ends it. */
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void }>();
let nextTx = 1;
/** Channels listened to, with PGlite's unsubscribe. */
const channels = new Map<string, Promise<() => Promise<void>>>();

class RolledBack extends Error {}

// The types Lectern builds with know WebAssembly only as a namespace of types.
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: typeof Error } })
  .WebAssembly.RuntimeError;

async function handle(client: PGlite, m: Request): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  const on = (tx?: number): PGlite | Transaction => {
    if (tx === undefined) return client;
    const t = open.get(tx);
    if (!t) throw new Error(`transaction ${tx} is not open`);
    return t.tx;
  };
  switch (m.t) {
    case 'query': {
      const r = await on(m.tx).query(m.sql, m.params, m.rowMode ? { rowMode: m.rowMode } : undefined);
      return { value: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows } };
    }
    case 'exec': {
      const rs = await on(m.tx).exec(m.sql);
      return { value: rs.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows })) };
    }
    case 'begin': {
      const id = nextTx++;
      let begun!: (v: { value: number }) => void;
      let failed!: (err: unknown) => void;
      const started = new Promise<{ value: number }>((resolve, reject) => {
        begun = resolve;
        failed = reject;
      });
      // PGlite's transaction holds its mutex until the callback settles: nothing else runs
      // inside it, and the server's thread decides when it ends.
      client
        .transaction(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              open.set(id, { tx, end: (ok) => (ok ? commit() : rollback(new RolledBack())) });
              begun({ value: id });
            }),
        )
        .then(
          () => settle(id, null),
          (err: unknown) => {
            failed(err); // BEGIN itself failed (a no-op once begun)
            settle(id, err instanceof RolledBack ? null : err);
          },
        );
      return started;
    }
    case 'end': {
      const t = open.get(m.tx);
      if (!t) throw new Error(`transaction ${m.tx} is not open`);
      const done = new Promise<unknown>((r) => ending.set(m.tx, r));
      t.end(m.commit);
      const err = await done;
      if (err) throw err;
      return { value: null };
    }
    case 'listen': {
      if (!channels.has(m.channel)) {
        channels.set(
          m.channel,
          client.listen(m.channel, (payload) => post({ t: 'notification', channel: m.channel, payload })),
        );
      }
      await channels.get(m.channel);
      return { value: null };
    }
    case 'unlisten': {
      const unsub = channels.get(m.channel);
      channels.delete(m.channel);
      if (unsub) await (await unsub)();
      return { value: null };
    }
    case 'dump': {
      const file = await client.dumpDataDir(m.compression);
      const bytes = await file.arrayBuffer();
      return { value: { bytes, type: file.type }, transfer: [bytes] };
    }
    case 'close':
      await client.close();
      return { value: null };
  }
}

/** How each ending transaction's outcome reaches its `end` request (null: it ended as asked). */
const ending = new Map<number, (err: unknown) => void>();
function settle(id: number, err: unknown) {
  open.delete(id);
  const r = ending.get(id);
  ending.delete(id);
  r?.(err);
}

try {
  const snapshot = start.snapshot ? new Blob([start.snapshot]) : undefined;
  const { client } = await openPgliteDatabase({ ...start, snapshot });
  port.on('message', (m: Request) => {
    handle(client, m).then(
      ({ value, transfer }) => {
        const marked = toTransferable(value);
        post(
          marked === value
            ? { t: 'ok', id: m.id, value }
            : { t: 'ok', id: m.id, value: marked, ordered: true },
          transfer,
        );
      },
      (err: unknown) => {
        post({ t: 'error', id: m.id, error: errorFields(err) });
        // A trap or abort inside PostgreSQL-in-WASM leaves the instance in no known state: the
        // thread ends, and the server's thread treats that as the database being lost.
        if (err instanceof WasmRuntimeError) process.exit(1);
      },
    );
  });
  post({ t: 'ready' });
} catch (err) {
  post({ t: 'failed', error: errorFields(err) });
}
