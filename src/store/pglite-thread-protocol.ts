// The messages between the server's thread and the PGlite database thread (pglite-thread.ts,
// pglite-worker.ts). Plain data only: a message is structured-cloned, and function values (PGlite's
// per-query parsers) cannot cross; rows come back as plain objects or arrays.

/** What the thread is started with (workerData). */
export interface ThreadStart {
  dataDir: string;
  /** A dumped data directory to start from (tests), as bytes. */
  snapshot?: ArrayBuffer;
  migrationsDir: string;
  wasmModule?: WebAssembly.Module;
}

/** A request; `id` pairs it with its reply. `tx` runs it inside that open transaction. */
export type Request =
  | { t: 'query'; id: number; sql: string; params?: unknown[]; rowMode?: 'array' | 'object'; tx?: number }
  | { t: 'exec'; id: number; sql: string; tx?: number }
  | { t: 'begin'; id: number }
  | { t: 'end'; id: number; tx: number; commit: boolean }
  | { t: 'listen'; id: number; channel: string }
  | { t: 'unlisten'; id: number; channel: string }
  | { t: 'dump'; id: number; compression: 'none' | 'gzip' }
  | { t: 'close'; id: number };

/** A PostgreSQL error's fields, as PGlite's DatabaseError carries them (and pg's does). */
export interface ErrorFields {
  message: string;
  name?: string;
  stack?: string;
  [field: string]: string | number | undefined;
}

export type Reply =
  /** `ordered`: the value holds key-ordered JSON objects, marked (json-order.ts toTransferable). */
  | { t: 'ok'; id: number; value: unknown; ordered?: true }
  | { t: 'error'; id: number; error: ErrorFields }
  | { t: 'notification'; channel: string; payload: string }
  | { t: 'ready' }
  | { t: 'failed'; error: ErrorFields };

/** The fields of an error worth carrying across: own string and number properties (no functions). */
export function errorFields(err: unknown): ErrorFields {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: ErrorFields = { message: err.message, name: err.name, stack: err.stack };
  for (const [k, v] of Object.entries(err)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}
