// Embedded PGlite on a thread of its own. Every statement PGlite runs is WASM work on the thread
// that calls it; in the server's thread that was CPU taken from serving HTTP (a request-log insert
// alone costs about 0.75 ms), and the slowest gateway calls were the ones that waited behind one.
// Here a worker thread owns the database (pglite-worker.ts) and this thread only posts messages:
// the client below is what drizzle's PGlite driver and the store use of a PGlite instance (query,
// transaction, listen, dumpDataDir, close), with PostgreSQL's errors carrying their fields across.
//
// If the thread dies (a WASM abort, out of memory), every pending and later call fails with the
// typed `unavailable` error (503 + Retry-After in every API) and `onLost` is told; the store's
// default then ends the process non-zero, for its supervisor to restart (docs/architecture.md).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { unavailable } from '../model/errors.ts';
import { fromTransferable } from '../model/json-order.ts';
import { leanOptions } from './pglite-lean-parsers.ts';
import { asDataUrl, inMemoryBundle } from './thread-bundle.ts';
import type { ErrorFields, Reply, Request, ThreadStart } from './pglite-thread-protocol.ts';

/** Running from the production build (dist/cli/main.js) rather than from the TypeScript sources. */
const COMPILED = !import.meta.url.endsWith('.ts');

/** A PostgreSQL error raised in the database thread, with the fields PGlite's DatabaseError has. */
export class PgliteThreadError extends Error {
  code?: string;
  constraint?: string;
  detail?: string;
  [field: string]: unknown;
  constructor(fields: ErrorFields) {
    super(fields.message);
    const { message: _m, stack: _s, ...rest } = fields;
    Object.assign(this, rest);
  }
}

/** How the sources' database thread is bundled in memory (PGlite itself stays in node_modules). */
export const DEV_WORKER_ENTRY = fileURLToPath(new URL('./pglite-worker.ts', import.meta.url));

let devBundle: Promise<string> | undefined;

/**
 * Where the database thread loads its code from — never from a place another user could write
 * (the same rule as the render threads, render-pool.ts):
 * - Built: dist/cli/pglite-worker.js, made by `npm run build` beside the server's bundle.
 * - From the sources (tests, tsx): the same bundle made in memory by esbuild and handed to a small
 *   loader in this directory as a data: URL. A data: URL module resolves no package names, so
 *   PGlite's imports are rewritten to its files' absolute URLs (its WASM is found beside them).
 */
async function workerEntry(): Promise<{ filename: string; workerData?: { url: string } }> {
  if (COMPILED) {
    const file = fileURLToPath(new URL('./pglite-worker.js', import.meta.url));
    if (!existsSync(file)) throw new Error(`PGlite worker missing at ${file}: run \`npm run build\``);
    return { filename: file };
  }
  devBundle ??= (async () => {
    // esbuild is a build tool: loaded only here, never by the production server.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const skip = Symbol('resolving');
    const out = await esbuild.build({
      ...inMemoryBundle(DEV_WORKER_ENTRY),
      plugins: [
        {
          name: 'pglite-by-url',
          setup(build) {
            build.onResolve({ filter: /^@electric-sql\/pglite(\/|$)/ }, async (args) => {
              if (args.pluginData === skip) return undefined;
              const r = await build.resolve(args.path, {
                kind: args.kind,
                resolveDir: args.resolveDir,
                pluginData: skip,
              });
              return { path: pathToFileURL(r.path).href, external: true };
            });
          },
        },
      ],
    });
    return asDataUrl(out.outputFiles[0]!.contents);
  })();
  return {
    filename: fileURLToPath(new URL('./pglite-worker-loader.mjs', import.meta.url)),
    workerData: { url: await devBundle },
  };
}

let wasm: Promise<WebAssembly.Module> | undefined;

/**
 * PGlite's WASM, compiled once per process and handed to every thread (a module crosses threads
 * without a copy): a process that opens many databases (the tests) compiles it once, as PGlite
 * in a single thread would.
 */
function pgliteWasm(): Promise<WebAssembly.Module> {
  wasm ??= (async () => {
    const index = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    // The types Lectern builds with know WebAssembly only as a namespace of types.
    const wasmApi = (
      globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } }
    ).WebAssembly;
    return wasmApi.compile(await readFile(join(dirname(index), 'pglite.wasm')));
  })();
  return wasm;
}

export interface PgliteThreadOptions {
  dataDir: string;
  snapshot?: Blob;
  migrationsDir: string;
  /** The thread died: every call now fails with `unavailable`. */
  onLost: (err: Error) => void;
}

type Queries = Pick<Transaction, 'query' | 'exec'>;

/** The database thread's client: the part of a PGlite instance Lectern uses. */
export interface PgliteThreadClient extends Queries {
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  dumpDataDir(compression?: 'none' | 'gzip'): Promise<Blob>;
  close(): Promise<void>;
  /** The thread itself (tests end it to check what a dead database thread does). */
  readonly worker: Worker;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Starts the database thread on `opts.dataDir` (or the snapshot) and waits until it is open. */
export async function startPgliteThread(opts: PgliteThreadOptions): Promise<PgliteThreadClient> {
  const [entry, wasmModule, snapshot] = await Promise.all([
    workerEntry(),
    pgliteWasm(),
    opts.snapshot?.arrayBuffer(),
  ]);
  const start: ThreadStart = {
    dataDir: opts.dataDir,
    snapshot,
    migrationsDir: opts.migrationsDir,
    wasmModule,
  };
  const worker = new Worker(entry.filename, {
    workerData: { ...entry.workerData, ...start },
    transferList: snapshot ? [snapshot] : [],
    name: 'lectern-pglite',
  });

  const pending = new Map<number, Pending>();
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const subscribed = new Map<string, Promise<unknown>>();
  let nextId = 1;
  let lost: Error | undefined;
  let closing = false;
  let started = false;

  // The thread keeps the process alive only while a call waits on it, like a socket with a
  // request in flight: an idle store never holds a finished CLI command or test open.
  const call = (m: Outgoing): Promise<unknown> => {
    if (lost) return Promise.reject(lost);
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...m, id } as Request);
      } catch (err) {
        settle(id); // a value that cannot be cloned: this call fails, the thread goes on
        reject(err);
      }
    });
  };
  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  };

  let ready!: () => void;
  let failed!: (e: unknown) => void;
  const opened = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });

  worker.on('message', (m: Reply) => {
    switch (m.t) {
      case 'ok':
        settle(m.id)?.resolve(m.ordered ? fromTransferable(m.value) : m.value);
        break;
      case 'error':
        settle(m.id)?.reject(new PgliteThreadError(m.error));
        break;
      case 'notification':
        for (const h of handlers.get(m.channel) ?? []) h(m.payload);
        break;
      case 'ready':
        ready();
        break;
      case 'failed':
        failed(new PgliteThreadError(m.error));
        break;
    }
  });
  const lose = (cause: Error) => {
    if (lost || closing) return;
    lost = unavailable('the embedded database stopped; retry shortly', 1, cause);
    failed(cause);
    for (const [id, p] of [...pending]) {
      settle(id);
      p.reject(lost);
    }
    if (started) opts.onLost(cause);
  };
  worker.on('error', (err) => lose(err));
  worker.on('exit', (code) => lose(new Error(`the PGlite thread exited (code ${code})`)));

  try {
    await opened;
  } catch (err) {
    closing = true;
    await worker.terminate();
    throw err;
  }
  started = true;
  worker.unref();

  const query = (tx: number | undefined) =>
    (async (sql: string, params?: unknown[], options?: QueryOptions) => {
      return call({ t: 'query', sql, params, rowMode: rowModeOf(options), tx }) as Promise<Results>;
    }) as Transaction['query'];
  const exec = (tx: number | undefined) =>
    (async (sql: string, options?: QueryOptions) => {
      rowModeOf(options);
      return call({ t: 'exec', sql, tx }) as Promise<Results[]>;
    }) as Transaction['exec'];

  return {
    worker,
    query: query(undefined),
    exec: exec(undefined),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      const id = (await call({ t: 'begin' })) as number;
      let ended = false;
      const end = (commit: boolean) => {
        ended = true;
        return call({ t: 'end', tx: id, commit });
      };
      const tx = {
        query: query(id),
        exec: exec(id),
        get closed() {
          return ended;
        },
        async rollback() {
          if (!ended) await end(false);
        },
      } as Transaction;
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        if (!ended) await end(false).catch(() => {});
        throw err;
      }
      if (!ended) await end(true);
      return result;
    },
    async listen(channel, onPayload) {
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(onPayload);
      if (!subscribed.has(channel)) subscribed.set(channel, call({ t: 'listen', channel }));
      await subscribed.get(channel);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0 && handlers.get(channel) === set) {
          handlers.delete(channel);
          subscribed.delete(channel);
          await call({ t: 'unlisten', channel });
        }
      };
    },
    async dumpDataDir(compression = 'none') {
      const { bytes, type } = (await call({ t: 'dump', compression })) as {
        bytes: ArrayBuffer;
        type: string;
      };
      return new Blob([bytes], { type });
    },
    async close() {
      try {
        if (!lost && !closing) await call({ t: 'close' });
      } finally {
        closing = true;
        await worker.terminate(); // the files are closed: PGlite's close has returned
      }
    },
  };
}

/**
 * The row mode a query asks for. drizzle's per-query parsers are left out as everywhere
 * (pglite-lean-parsers.ts: the thread's instance has the same table); any other option would be
 * a function or a Blob that has no meaning on the other thread, so it is refused, not dropped.
 */
function rowModeOf(options: QueryOptions | undefined): 'array' | 'object' | undefined {
  const o = leanOptions(options);
  if (!o) return undefined;
  for (const k of Object.keys(o) as (keyof QueryOptions)[]) {
    if (k !== 'rowMode' && o[k] !== undefined)
      throw new Error(`PGlite thread: query option ${k} cannot cross threads`);
  }
  return o.rowMode;
}
