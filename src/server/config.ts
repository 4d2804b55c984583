// Configuration comes from the environment only, read once at start.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseRetrySchedule } from '../model/webhooks.ts';
import { BUILTIN_PRICES, withPriceOverrides, type PriceTable } from '../model/prices.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  /** PostgreSQL schema to live in (isolates test servers sharing one database). */
  pgSchema?: string;
  /** PostgreSQL connections in the pool (at least 1). */
  pgPoolSize: number;
  /** Name recurring statements (prepared once per connection); off behind a pooler that cannot keep them. */
  pgPreparedStatements: boolean;
  /** Embedded PGlite runs on a thread of its own, off the event loop (LECTERN_PGLITE_THREAD). */
  pgliteThread: boolean;
  dataDir: string;
  adminKey?: string;
  /** Undo a revocation of LECTERN_ADMIN_KEY at start (explicit, logged, audited). */
  adminKeyReinstate: boolean;
  logLevel: string;
  /** Largest request body accepted, in bytes (413 above it). */
  bodyLimit: number;
  /** Deepest JSON nesting accepted (400 above it). */
  maxJsonDepth: number;
  /** Requests of any kind per key per window; 0 (the default) leaves them uncounted. */
  rateLimit: number;
  /** Writes per key per window; 0 turns the limit off. */
  rateLimitWrites: number;
  /** Requests without an API key per client address per window; 0 turns the limit off. */
  rateLimitAnonymous: number;
  /** Failed authentications per client address per window, after which its unknown keys are refused. */
  rateLimitAuthFailures: number;
  rateLimitWindowMs: number;
  /** Renders one key may have waiting for a render thread (429 past it). */
  renderQueuePerKey: number;
  /** The public base URL absolute links are built from (pagination); unset: from the request. */
  publicUrl?: string;
  /** Entries in the read cache of resolved prompt responses. */
  cacheEntries: number;
  /** Bytes the read cache may hold (responses + keys); 0 (or cacheEntries 0) turns it off. */
  cacheBytes: number;
  /** Worker threads that render templates (0 renders on the event loop). */
  renderThreads: number;
  /** The request log's batching writer (docs/request-log.md): flush interval, batch, queue bound. */
  requestLogFlushMs: number;
  requestLogBatch: number;
  /** Rows per request-log INSERT while the loop is not saturated (paced); 0: no pacing. */
  requestLogQuietBatch: number;
  requestLogQueue: number;
  /** Days of request log kept; 0 keeps it forever. */
  requestLogRetentionDays: number;
  /** Webhooks (docs/webhooks.md): seconds to wait after each failed attempt. */
  webhookRetrySchedule: number[];
  webhookTimeoutMs: number;
  /** Allow webhook targets on private, loopback and other non-public addresses. */
  webhookAllowPrivate: boolean;
  webhookConcurrency: number;
  /** Requests in flight to one endpoint at once (a slow receiver holds no more than this). */
  webhookEndpointConcurrency: number;
  /** Deliveries a second per process while requests wait (the rest is sent once the load drops). */
  webhookRateUnderLoad: number;
  /** Days delivered outbox events are kept: the change stream's resume window. */
  outboxRetentionDays: number;
  /** Model prices for records logged without a cost: built in, then the file, then the variable. */
  prices: PriceTable;
}

/** One render thread per core, at least 2 so one long render never queues the next, at most 8. */
export const defaultRenderThreads = () => Math.max(2, Math.min(8, availableParallelism()));

/**
 * Connections per process: enough that concurrent writers (each holding one for its transaction)
 * do not queue for a connection at the load PostgreSQL itself can take; several processes share
 * the server's max_connections (100 by default), so not more.
 */
export const DEFAULT_PG_POOL_SIZE = 32;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new Error(`${name} must be true or false, got ${env[name]}`);
}

/** A switch: `on`/`off` or any of bool's spellings; unset is `fallback`. */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  return raw ? bool(env, name) : fallback;
}

/** The built-in prices with LECTERN_PRICES_FILE's and then LECTERN_PRICES's overrides applied. */
function prices(env: NodeJS.ProcessEnv): PriceTable {
  let table = BUILTIN_PRICES;
  const file = env.LECTERN_PRICES_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`LECTERN_PRICES_FILE: cannot read ${file} (${(err as Error).message})`);
    }
    table = withPriceOverrides(table, text, `LECTERN_PRICES_FILE ${file}`);
  }
  if (env.LECTERN_PRICES) table = withPriceOverrides(table, env.LECTERN_PRICES, 'LECTERN_PRICES');
  return table;
}

/** An absolute http(s) URL without query or fragment, kept without its trailing slash. */
function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`LECTERN_PUBLIC_URL must be an absolute URL, got ${raw}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash)
    throw new Error(`LECTERN_PUBLIC_URL must be an http(s) URL without query or fragment, got ${raw}`);
  return u.href.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 8080),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.LECTERN_PG_SCHEMA || undefined,
    pgPoolSize: Math.max(1, int(env, 'LECTERN_PG_POOL_SIZE', DEFAULT_PG_POOL_SIZE)),
    pgPreparedStatements: env.LECTERN_PG_PREPARED_STATEMENTS?.trim()
      ? bool(env, 'LECTERN_PG_PREPARED_STATEMENTS')
      : true,
    pgliteThread: onOff(env, 'LECTERN_PGLITE_THREAD', true),
    dataDir: env.LECTERN_DATA_DIR || './.lectern',
    adminKey: env.LECTERN_ADMIN_KEY || undefined,
    adminKeyReinstate: bool(env, 'LECTERN_ADMIN_KEY_REINSTATE'),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: int(env, 'LECTERN_BODY_LIMIT', 1024 * 1024),
    maxJsonDepth: int(env, 'LECTERN_MAX_JSON_DEPTH', 64),
    rateLimit: int(env, 'LECTERN_RATE_LIMIT', 0),
    rateLimitWrites: int(env, 'LECTERN_RATE_LIMIT_WRITES', 6000),
    rateLimitAnonymous: int(env, 'LECTERN_RATE_LIMIT_ANONYMOUS', 600),
    rateLimitAuthFailures: int(env, 'LECTERN_RATE_LIMIT_AUTH_FAILURES', 30),
    rateLimitWindowMs: Math.max(1, int(env, 'LECTERN_RATE_LIMIT_WINDOW_MS', 60_000)),
    renderQueuePerKey: int(env, 'LECTERN_RENDER_QUEUE', 256), // render-pool.ts DEFAULT_PER_KEY_QUEUE
    publicUrl: publicUrl(env.LECTERN_PUBLIC_URL),
    cacheEntries: int(env, 'LECTERN_CACHE_ENTRIES', 10_000),
    cacheBytes: int(env, 'LECTERN_CACHE_BYTES', 64 * 1024 * 1024),
    renderThreads: Math.max(0, int(env, 'LECTERN_RENDER_THREADS', defaultRenderThreads())),
    requestLogFlushMs: Math.max(1, int(env, 'LECTERN_REQUEST_LOG_FLUSH_MS', 200)),
    // PGlite: 32 rows keep an INSERT to ~1-2 ms of the database's thread (or, with the thread
    // off, of the event loop), so queries and requests behind one never wait long. PostgreSQL: 500.
    requestLogBatch: Math.max(1, int(env, 'LECTERN_REQUEST_LOG_BATCH', env.DATABASE_URL ? 500 : 32)),
    // PGlite on the event loop (LECTERN_PGLITE_THREAD=off): 8 rows (~1 ms) per INSERT, paced, so a
    // request meets at most one (request-log-writer.ts). 0 turns pacing off. PostgreSQL and PGlite
    // on its own thread insert off the loop: off — pacing there only multiplies statements.
    requestLogQuietBatch: Math.max(
      0,
      int(
        env,
        'LECTERN_REQUEST_LOG_QUIET_BATCH',
        env.DATABASE_URL || onOff(env, 'LECTERN_PGLITE_THREAD', true) ? 0 : 8,
      ),
    ),
    requestLogQueue: Math.max(1, int(env, 'LECTERN_REQUEST_LOG_QUEUE', 10_000)),
    requestLogRetentionDays: int(env, 'LECTERN_REQUEST_LOG_RETENTION_DAYS', 30),
    webhookRetrySchedule: parseRetrySchedule(env.LECTERN_WEBHOOK_RETRY_SCHEDULE),
    webhookTimeoutMs: Math.max(100, int(env, 'LECTERN_WEBHOOK_TIMEOUT_MS', 15_000)),
    webhookAllowPrivate: bool(env, 'LECTERN_WEBHOOK_ALLOW_PRIVATE'),
    webhookConcurrency: Math.max(1, int(env, 'LECTERN_WEBHOOK_CONCURRENCY', 64)),
    webhookEndpointConcurrency: Math.max(1, int(env, 'LECTERN_WEBHOOK_ENDPOINT_CONCURRENCY', 16)),
    webhookRateUnderLoad: Math.max(1, int(env, 'LECTERN_WEBHOOK_RATE_UNDER_LOAD', 32)),
    outboxRetentionDays: Math.max(1, int(env, 'LECTERN_OUTBOX_RETENTION_DAYS', 7)),
    prices: prices(env),
  };
}
