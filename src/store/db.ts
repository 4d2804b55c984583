// Opens the store on PostgreSQL (DATABASE_URL) or on embedded PGlite (a data directory), runs the
// committed migrations, and hands back one drizzle database type for both: the rest of the code
// never knows which backend it runs on.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { schema } from './schema.ts';
import { seedDataDir } from './pglite-seed.ts';

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
  /** Start PGlite from a dumped data directory (tests start from a migrated snapshot). */
  pgliteSnapshot?: Blob;
}

export interface Store {
  db: Db;
  backend: 'postgres' | 'pglite';
  /** Subscribe to a notification channel (LISTEN); returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Publish on a channel (NOTIFY) outside any transaction. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * `select pg_notify(…)` on a channel, to run inside a transaction (alone or as a CTE of a write):
   * delivered when the transaction commits, dropped if it rolls back.
   */
  notifySql(channel: string, payload: string): SQL;
  close(): Promise<void>;
  /** The migration schema and the channel prefix in use (differs per test schema). */
  namespace: string;
  /** PGlite only: the whole data directory as a tarball (uncompressed unless asked). */
  dump?: (compression?: 'none' | 'gzip') => Promise<Blob>;
}

/** shared_buffers of the embedded database (see openPglite). */
export const PGLITE_SHARED_BUFFERS = '16MB';

const MIGRATION_LOCK = 7_402_113; // advisory lock id: several processes may start at once

export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts)
    : openPglite(opts.dataDir ?? './.lectern', opts.pgliteSnapshot);
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
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 16, options });
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
  // after a reconnect every handler gets an empty payload, meaning "assume anything changed".
  const connectListener = async (): Promise<import('pg').Client> => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    client.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    await client.connect();
    for (const ch of handlers.keys()) await client.query(`listen "${ch}"`);
    client.once('end', () => {
      if (closed || listener !== client) return;
      listener = null;
      reconnect(250);
    });
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
        },
        () => reconnect(Math.min(delayMs * 2, 5000)),
      );
    }, delayMs).unref();
  };

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
    notifySql(channel, payload) {
      return sql`select pg_notify(${`${namespace}_${channel}`}, ${payload})`;
    },
    async close() {
      closed = true;
      if (listener) await listener.end().catch(() => {});
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, snapshot?: Blob): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    await seedDataDir(dataDir);
  }
  // PostgreSQL's default shared_buffers (128 MB) is allocated and touched inside PGlite's WASM
  // memory at every start: most of an idle server's resident set. The embedded database is small
  // and its hot reads are served by the read cache, so it gets PGLITE_SHARED_BUFFERS instead.
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
  const client = snapshot
    ? await PGlite.create({ loadDataDir: snapshot, startParams })
    : await PGlite.create(dataDir, { startParams });
  const db = drizzle(client, { schema }) as unknown as Db;
  await migrate(db as never, { migrationsFolder: MIGRATIONS_DIR });
  return {
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
    notifySql(channel, payload) {
      return sql`select pg_notify(${channel}, ${payload})`;
    },
    async close() {
      await client.close();
    },
    dump: (compression = 'none') => client.dumpDataDir(compression),
  };
}

/** Readiness probe: one round trip. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
