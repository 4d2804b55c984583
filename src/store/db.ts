// Opens the store on PostgreSQL (DATABASE_URL) or on embedded PGlite (a data directory), runs the
// committed migrations, and hands back one drizzle database type for both: the rest of the code
// never knows which backend it runs on.
import { mkdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { schema } from './schema.ts';
import { lockDataDir, type DirLock } from './dir-lock.ts';
import { faultAwareClient } from './pg-faults.ts';
import { namedStatements } from './pg-named.ts';
import { JSON_OID, parseStoredJson } from './json-columns.ts';
import { seedDataDir } from './pglite-seed.ts';
import { openPgliteDatabase } from './pglite-open.ts';
import { startPgliteThread, type PgliteThreadClient } from './pglite-thread.ts';

type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface StoreOptions {
  /** postgres://… — when set, PostgreSQL is used. */
  databaseUrl?: string;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** PostgreSQL schema to live in (tests isolate themselves this way). */
  pgSchema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: name recurring statements, prepared once per connection (pg-named.ts; default on). */
  preparedStatements?: boolean;
  /** Start PGlite from a dumped data directory (tests start from a migrated snapshot). */
  pgliteSnapshot?: Blob;
  /** Who opens a PGlite directory, as the lock tells a second opener (default `lectern`). */
  owner?: string;
  /** The opener holds a PGlite directory only briefly (a CLI command): others may wait for it. */
  brief?: boolean;
  /** PGlite runs on a thread of its own (pglite-thread.ts; default on, LECTERN_PGLITE_THREAD=off). */
  pgliteThread?: boolean;
  /** The PGlite thread died; default: log and end the process non-zero (exitOnDatabaseLost). */
  onDatabaseLost?: (err: Error) => void;
}

export interface Store {
  db: Db;
  backend: 'postgres' | 'pglite';
  /** Subscribe to a notification channel (LISTEN); returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Publish on a channel (NOTIFY) outside any transaction. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * The channel's name on the server: `pg_notify`'s first argument when a notification is sent from
   * inside a transaction (alone or as a CTE of a write; delivered on commit, dropped on rollback).
   */
  notifyChannel(channel: string): string;
  close(): Promise<void>;
  /**
   * PostgreSQL: whether the LISTEN connection is up, and a subscription to its changes. While it is
   * down, other processes' notifications are lost: caches must not answer (see serve.ts).
   */
  feedUp?(): boolean;
  onFeedState?(listener: (up: boolean) => void): () => void;
  /** The migration schema and the channel prefix in use (differs per test schema). */
  namespace: string;
  /** PGlite only: the whole data directory as a tarball (uncompressed unless asked). */
  dump?: (compression?: 'none' | 'gzip') => Promise<Blob>;
  /** PGlite on a directory: this process's exclusive hold on it (src/store/dir-lock.ts). */
  dirLock?: DirLock;
}

/** How often the LISTEN connection is checked, and how long a check may take. */
const FEED_HEARTBEAT_MS = 5000;

const MIGRATION_LOCK = 7_402_113; // advisory lock id: several processes may start at once

export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts)
    : openPglite(opts.dataDir ?? './.lectern', opts);
}

async function openPostgres(url: string, opts: StoreOptions): Promise<Store> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pgSchema = opts.pgSchema;
  if (pgSchema && !/^[a-z_][a-z0-9_]*$/.test(pgSchema)) throw new Error(`bad schema name ${pgSchema}`);
  const options = pgSchema ? `-c search_path=${pgSchema}` : undefined;
  // Timestamps and bigints come back as JS values the model expects.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  // `json` values keep their key order (json-columns.ts).
  pg.types.setTypeParser(JSON_OID, parseStoredJson);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 16,
    options,
    application_name: 'lectern',
    // Recurring statements prepared once per connection (pg-named.ts).
    Client:
      opts.preparedStatements === false
        ? faultAwareClient(pg.Client)
        : namedStatements(faultAwareClient(pg.Client)),
  });
  pool.on('error', () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  });

  const migrationClient = await pool.connect();
  try {
    if (pgSchema) await migrationClient.query(`create schema if not exists ${pgSchema}`);
    await migrationClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const mdb = drizzle(migrationClient, { schema });
      await migrate(mdb, { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: pgSchema ?? 'drizzle' });
    } finally {
      await migrationClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    migrationClient.release();
  }

  const db = drizzle(pool, { schema }) as unknown as Db;
  const namespace = pgSchema ?? 'public';
  let listener: import('pg').Client | null = null;
  let connecting: Promise<import('pg').Client> | null = null;
  let closed = false;
  const handlers = new Map<string, Set<(p: string) => void>>();

  // The LISTEN connection reconnects by itself. Notifications sent while it was down are lost, so
  // after a reconnect every handler gets an empty payload, meaning "assume anything changed"; and
  // while it is down, feed-state listeners hear `false` (caches stop answering). A heartbeat finds a
  // connection that died without closing (a partition, a stuck PgBouncer) within two periods.
  let up = true;
  const stateListeners = new Set<(up: boolean) => void>();
  const setUp = (next: boolean) => {
    if (up === next) return;
    up = next;
    for (const l of stateListeners) l(next);
  };
  const lose = (client: import('pg').Client) => {
    if (closed || listener !== client) return;
    listener = null;
    setUp(false);
    client.end().catch(() => {});
    reconnect(250);
  };
  const connectListener = async (): Promise<import('pg').Client> => {
    const client = new pg.Client({ connectionString: url, application_name: 'lectern-listener' });
    client.on('error', () => lose(client));
    client.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    try {
      await client.connect();
      for (const ch of handlers.keys()) await client.query(`listen "${ch}"`);
    } catch (err) {
      client.end().catch(() => {});
      throw err;
    }
    client.once('end', () => lose(client));
    return client;
  };
  const reconnect = (delayMs: number) => {
    setTimeout(() => {
      if (closed) return;
      connectListener().then(
        (client) => {
          if (closed) return void client.end().catch(() => {});
          listener = client;
          for (const set of handlers.values()) for (const h of set) h('');
          setUp(true);
        },
        () => reconnect(Math.min(delayMs * 2, 5000)),
      );
    }, delayMs).unref();
  };
  const heartbeat = setInterval(() => {
    const client = listener;
    if (!client || closed) return;
    const timer = setTimeout(() => lose(client), FEED_HEARTBEAT_MS);
    client.query('select 1').then(
      () => clearTimeout(timer),
      () => {
        clearTimeout(timer);
        lose(client);
      },
    );
  }, FEED_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    db,
    backend: 'postgres',
    namespace,
    async listen(channel, onPayload) {
      const ch = `${namespace}_${channel}`;
      let set = handlers.get(ch);
      if (!set) {
        set = new Set();
        handlers.set(ch, set);
        if (listener) await listener.query(`listen "${ch}"`);
      }
      if (!listener) listener = await (connecting ??= connectListener().finally(() => (connecting = null)));
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [`${namespace}_${channel}`, payload]);
    },
    notifyChannel: (channel) => `${namespace}_${channel}`,
    feedUp: () => up,
    onFeedState(l) {
      stateListeners.add(l);
      return () => void stateListeners.delete(l);
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (listener) await listener.end().catch(() => {});
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, opts: StoreOptions): Promise<Store> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const snapshot = opts.pgliteSnapshot;
  let dirLock: DirLock | undefined;
  if (!dataDir.startsWith('memory://') && !snapshot) {
    mkdirSync(dataDir, { recursive: true });
    // Before a single file is read: a directory another process holds is never opened.
    dirLock = await lockDataDir(dataDir, opts.owner ?? 'lectern', opts.brief);
  }
  let client: PgliteClient;
  try {
    if (dirLock) await seedDataDir(dataDir);
    const source = { dataDir, snapshot, migrationsDir: MIGRATIONS_DIR };
    if (opts.pgliteThread ?? true) {
      client = await startPgliteThread({ ...source, onLost: opts.onDatabaseLost ?? exitOnDatabaseLost });
    } else {
      const { client: pglite, drizzleClient } = await openPgliteDatabase(source);
      client = {
        ...drizzleClient,
        listen: (channel, onPayload) => pglite.listen(channel, onPayload),
        dumpDataDir: (compression) => pglite.dumpDataDir(compression),
        close: () => pglite.close(),
      };
    }
  } catch (err) {
    await dirLock?.release();
    throw err;
  }
  const db = drizzle({ client: client as never, schema }) as unknown as Db;
  const store: Store = {
    dirLock,
    db,
    backend: 'pglite',
    namespace: 'pglite',
    // One process owns a PGlite directory, so in-process delivery is all coherence needs.
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    notifyChannel: (channel) => channel,
    async close() {
      try {
        await client.close();
      } finally {
        await dirLock?.release(); // only once the files are closed
      }
    },
    dump: (compression = 'none') => client.dumpDataDir(compression),
  };
  if (client.worker) threads.set(store, client.worker);
  return store;
}

const threads = new WeakMap<Store, Worker>();

/** A PGlite store's database thread, if it has one (tests end it to see what a dead thread does). */
export const pgliteThreadOf = (store: Store): Worker | undefined => threads.get(store);

/** What the store uses of a PGlite instance, in this thread or in the database thread. */
type PgliteClient = Pick<PgliteThreadClient, 'query' | 'transaction' | 'listen' | 'dumpDataDir' | 'close'> &
  Partial<Pick<PgliteThreadClient, 'worker'>>;

/**
 * The database thread died (a WASM abort, out of memory): calls already fail with `unavailable`
 * (503); the process ends non-zero a moment later, once those answers are out, so that its
 * supervisor starts it again on the same directory (docs/architecture.md).
 */
function exitOnDatabaseLost(err: Error): void {
  console.error(`lectern: the embedded database thread stopped (${err.message}); exiting for a restart`);
  process.exitCode = 70;
  setTimeout(() => process.exit(70), 1000);
}

/** Readiness probe: one round trip. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
