// The hot read path: resolved, already-serialised 200 responses of the routes that fetch a prompt by
// label, version or latest, kept in an in-process LRU bounded by entries and bytes. It sits in root
// hooks, so no dialect knows about it: after authentication a request whose route declares
// `config.cacheable` is looked up by (caller scope, method, url, body hash); a hit sends the stored bytes, a miss is
// captured in onSend.
//
// Invalidation is per workspace, by generation: every committed change bumps a global counter and
// records it as the workspace's last change; an entry is stamped with the counter as it was when its
// request STARTED (before the database read), and is served only while no change to its workspace
// came after that stamp. Per workspace rather than per prompt because a response can depend on
// other prompts of the workspace (PromptLayer snippets, label lookups by name) and a cache key
// cannot be tied to a prompt id before the route resolved it; writes are rare next to reads, so
// dropping a workspace's entries on each write costs little. Entries of all-workspace (admin) keys
// are invalidated by a change anywhere.
import { etagMatches } from '../model/etag.ts';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Change } from '../registry/index.ts';
import type { Actor } from '../model/types.ts';
import { routeConfig, type RouteConfig } from './route-config.ts';

/**
 * What a route declares in its own `config.cacheable` to have its 200 answers kept (GET and POST
 * routes only): `true`, or `when`, a predicate on the parsed body. The server knows no URL.
 */
export type Cacheable = boolean | { when: (body: unknown) => boolean };

/** Response headers never replayed from the cache (per request or recomputed by Fastify). */
const PER_REQUEST_HEADERS = new Set(['x-request-id', 'content-length', 'date', 'connection', 'set-cookie']);

export interface Entry {
  stamp: number;
  /** `*` for all-workspace keys, else the workspace id. */
  scope: string;
  /**
   * The body as the route's serialiser gave it: a string, which Node writes in one piece with the
   * header block (a Buffer would go out as a second chunk, a costlier writev per hit).
   */
  payload: string | Buffer;
  headers: [string, string][];
  etag?: string;
  bytes: number;
  /** The config of the route that answered (metrics label hits by it; see cached-hits.ts). */
  route: RouteConfig;
  /**
   * The status line's headers for a 200 and a 304, flat (`[name, value, …]`) as `writeHead` takes
   * them, `x-request-id` last with its value left to fill in (cached-hits.ts).
   */
  head200: string[];
  head304: string[];
}

/** A resolved value kept for the routes that render (their answers depend on the variables sent). */
interface ValueEntry {
  stamp: number;
  scope: string;
  value: unknown;
  bytes: number;
}

interface Pending {
  key: string;
  scope: string;
  stamp: number;
}

export interface ReadCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

export class ReadCache {
  private entries: LRUCache<string, Entry>;
  private values: LRUCache<string, ValueEntry>;
  private counter = 0;
  private lastAny = 0;
  private lastAll = 0;
  private lastByWorkspace = new Map<string, number>();
  hits = 0;
  misses = 0;

  constructor(opts: ReadCacheOptions) {
    this.entries = new LRUCache<string, Entry>({
      max: Math.max(1, opts.maxEntries),
      maxSize: Math.max(1024, opts.maxBytes),
      sizeCalculation: (e, k) => e.bytes + k.length * 2,
    });
    this.values = new LRUCache<string, ValueEntry>({
      max: Math.max(1, opts.maxEntries),
      maxSize: Math.max(1024, Math.floor(opts.maxBytes / 4)),
      sizeCalculation: (e, k) => e.bytes + k.length * 2,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** The generation a request starts in: its entry is valid while nothing in its scope changed after. */
  stamp(): number {
    return this.counter;
  }

  /** Records committed changes (local or from another process). */
  invalidate(changes: readonly Pick<Change, 'kind' | 'workspaceId'>[]): void {
    for (const c of changes) {
      // Key changes affect authentication only (the key cache handles them), never a response.
      if (c.kind === 'key') continue;
      const n = ++this.counter;
      this.lastAny = n;
      if (c.workspaceId && c.kind === 'prompt') this.lastByWorkspace.set(c.workspaceId, n);
      else this.lastAll = n; // a workspace itself changed (or an unknown scope): drop everything
    }
  }

  /**
   * While suspended (the change feed is down, so other processes' changes go unheard) the cache
   * neither answers nor stores: every read goes to the database, so staleness stays bounded by
   * the time it takes to notice the feed is down. Resuming drops everything first.
   */
  private suspended = false;

  get isSuspended(): boolean {
    return this.suspended;
  }

  suspend(): void {
    this.suspended = true;
  }

  resume(): void {
    this.invalidateAll();
    this.suspended = false;
  }

  /** Drops everything (e.g. when the change feed may have missed notifications). */
  invalidateAll(): void {
    const n = ++this.counter;
    this.lastAny = this.lastAll = n;
  }

  private fresh(e: Pick<Entry, 'scope' | 'stamp'>): boolean {
    if (e.scope === '*') return e.stamp >= this.lastAny;
    return e.stamp >= this.lastAll && e.stamp >= (this.lastByWorkspace.get(e.scope) ?? 0);
  }

  get(key: string): Entry | undefined {
    if (this.suspended) return undefined;
    const e = this.entries.get(key);
    if (e && !this.fresh(e)) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * A value resolved from the database (a prompt's version, its expanded snippets), kept under the
   * same invalidation as the responses: stamped before `load` reads, served while nothing in its
   * scope changed since. For the routes whose answers cannot be cached whole (they render the
   * caller's variables) but whose look-ups can. Values are shared: callers must not mutate them.
   * Failures are not kept.
   */
  async memo<T>(name: string, scope: string, load: () => Promise<T>): Promise<T> {
    // Suspended (the change feed is down): neither answer nor keep, like the responses.
    if (this.suspended) return load();
    const key = `${scope}\u0000${name}`;
    const hit = this.values.get(key);
    if (hit && this.fresh(hit)) return hit.value as T;
    const stamp = this.stamp();
    const value = await load();
    const e: ValueEntry = { stamp, scope, value, bytes: 2 * (JSON.stringify(value)?.length ?? 0) + 64 };
    if (!this.suspended && this.fresh(e)) this.values.set(key, e);
    return value;
  }

  /** A value memo() holds for (name, scope) and would serve now, or undefined: no load, no wait. */
  peek<T>(name: string, scope: string): T | undefined {
    if (this.suspended) return undefined;
    const hit = this.values.get(`${scope}\u0000${name}`);
    return hit && this.fresh(hit) ? (hit.value as T) : undefined;
  }

  set(
    key: string,
    scope: string,
    stamp: number,
    payload: string | Buffer,
    headers: [string, string][],
    route: RouteConfig = {},
  ): void {
    const length = Buffer.byteLength(payload);
    const flat = headers.flat();
    const e: Entry = {
      stamp,
      scope,
      payload,
      headers,
      etag: headers.find(([h]) => h === 'etag')?.[1],
      bytes: length + 2 * headers.reduce((n, [h, v]) => n + h.length + v.length, 0) + 64,
      route,
      // As Fastify answers: a length on the 200, none on the 304 (RFC 9110 §8.6 lets it go).
      head200: [...flat, 'content-length', String(length), 'x-request-id', ''],
      head304: [...flat, 'x-request-id', ''],
    };
    // A change may have landed while the request ran: then the answer may be stale already.
    if (!this.suspended && this.fresh(e)) this.entries.set(key, e);
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    cacheable?: Cacheable;
  }
  interface FastifyRequest {
    readCachePending: Pending | null;
  }
  interface FastifyInstance {
    readCache: ReadCache | null;
  }
}

/** Body fields that never change the answer (PromptLayer SDKs send their key in the body too). */
const IGNORED_BODY_FIELDS = new Set(['api_key']);

function bodyHash(body: unknown): string {
  if (body === undefined || body === null) return '';
  const json = JSON.stringify(body, (k, v: unknown) => (IGNORED_BODY_FIELDS.has(k) ? undefined : v));
  return createHash('sha256').update(json).digest('base64url');
}

/** Whether a conditional request names the entry's ETag (then it is answered 304). */
export function matches(inm: string | string[] | undefined, etag: string | undefined): boolean {
  return typeof inm === 'string' && etagMatches(inm, etag);
}

/** `*` for all-workspace keys, else the workspace id: what an entry's invalidation follows. */
export const scopeOf = (actor: Pick<Actor, 'workspaceId'>): string => actor.workspaceId ?? '*';

/** An answer depends on the caller's scope and role, the request line and the body (hashed). */
export const cacheKey = (
  actor: Pick<Actor, 'workspaceId' | 'role'>,
  method: string,
  url: string,
  body: string,
) => `${scopeOf(actor)}\u0000${actor.role}\u0000${method}\u0000${url}\u0000${body}`;

/** A client asking for a fresh answer (`Cache-Control: no-cache` or `no-store`) is not served from memory. */
export function bypassesCache(cc: string | string[] | undefined): boolean {
  return typeof cc === 'string' && /no-cache|no-store/i.test(cc);
}

/**
 * Installs the cache as root hooks. Must be called after the authentication hook (hooks run in the
 * order they were added) and before the dialect plugins are registered (so they inherit the hooks).
 */
export function installReadCache(app: FastifyInstance, cache: ReadCache): void {
  const ruleOf = (req: FastifyRequest): Cacheable | undefined =>
    req.is404 ? undefined : routeConfig(req).cacheable;

  const tryServe = (req: FastifyRequest, reply: FastifyReply, body: string): FastifyReply | undefined => {
    const actor = req.actor;
    if (!actor) return undefined;
    const scope = scopeOf(actor);
    const key = cacheKey(actor, req.method, req.url, body);
    const hit = bypassesCache(req.headers['cache-control']) ? undefined : cache.get(key);
    if (!hit) {
      cache.misses++;
      req.readCachePending = { key, scope, stamp: cache.stamp() };
      return undefined;
    }
    cache.hits++;
    for (const [h, v] of hit.headers) reply.header(h, v);
    if (matches(req.headers['if-none-match'], hit.etag)) {
      reply.code(304).send();
      return reply;
    }
    reply.send(hit.payload);
    return reply;
  };

  app.decorateRequest('readCachePending', null);
  app.decorate('readCache', cache);

  // Callback-style hooks: no promise per request on the hot path. A hit sends and never calls done().
  app.addHook('onRequest', (req, reply, done) => {
    if (req.method !== 'GET') return done();
    if (!ruleOf(req) || !tryServe(req, reply, '')) done();
  });
  // Bodies are parsed only after onRequest: POST routes are looked up once the body is there.
  app.addHook('preValidation', (req, reply, done) => {
    if (req.method !== 'POST') return done();
    const rule = ruleOf(req);
    if (!rule || (rule !== true && !rule.when(req.body)) || !tryServe(req, reply, bodyHash(req.body))) done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    const p = req.readCachePending;
    if (!p || reply.statusCode !== 200) return done(null, payload);
    req.readCachePending = null;
    // An answer its route marked as not to be kept (it depends on more than the cache key: a
    // link built from the client's Host header, say).
    const cc = reply.getHeader('cache-control');
    if (typeof cc === 'string' && /no-store|private/i.test(cc)) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload); // streams: not cached
    const headers: [string, string][] = [];
    for (const [h, v] of Object.entries(reply.getHeaders())) {
      if (v === undefined || PER_REQUEST_HEADERS.has(h)) continue;
      headers.push([h, Array.isArray(v) ? v.join(', ') : String(v)]);
    }
    cache.set(p.key, p.scope, p.stamp, payload, headers, routeConfig(req));
    done(null, payload);
  });
}
