// Authentication for every route: `Authorization: Bearer <key>` or `X-API-KEY: <key>`. Resolved keys
// are cached by hash; any key change (revocation) clears the cache, here and, through the change
// feed, in every other process, so a revoked key is refused at once.
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { LecternError } from '../model/errors.ts';
import type { Actor } from '../model/types.ts';
import type { Registry } from '../registry/index.ts';
import { hashKey } from '../registry/keys.ts';

export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^\s*(?:Bearer|Token|Api-Key)\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x.trim()) return x.trim();
  return undefined;
}

interface Memo {
  auth: string | undefined;
  x: string | string[] | undefined;
  creds: { key: string; hash: string } | undefined;
}

export class Authenticator {
  private cache = new LRUCache<string, Actor | false>({ max: 10_000, ttl: 60_000 });

  constructor(private registry: Registry) {
    registry.onChange((changes) => {
      if (changes.some((c) => c.kind === 'key' || c.kind === 'workspace')) this.cache.clear();
    });
  }

  /** Drops every cached key (called when another process reports a key change). */
  invalidate(): void {
    this.cache.clear();
  }

  /** While the change feed is down a revocation elsewhere would go unheard: every key is looked up. */
  private bypass = false;

  setBypass(on: boolean): void {
    this.bypass = on;
    this.cache.clear();
  }

  /**
   * The last credentials seen on each connection: a client sends the same key with every request
   * of a keep-alive connection, so it is parsed and hashed once per connection instead of once per
   * request. The memo lives as long as the socket (which holds the request bytes anyway). It only
   * saves the hash: the actor is still looked up by hash on every request, so a revoked key is
   * refused at once.
   */
  private perConnection = new WeakMap<object, Memo>();

  /** The presented key and its hash (auth and rate limiting share it). */
  credentialsOf(req: FastifyRequest): { key: string; hash: string } | undefined {
    const auth = req.headers.authorization;
    const x = req.headers['x-api-key'];
    const socket = req.raw.socket as object | undefined;
    const memo = socket ? this.perConnection.get(socket) : undefined;
    if (memo && memo.auth === auth && memo.x === x) return memo.creds;
    const key = presentedKey(req);
    const creds = key ? { key, hash: hashKey(key) } : undefined;
    if (socket) this.perConnection.set(socket, { auth, x, creds });
    return creds;
  }

  /**
   * The caller when its key is already in the cache (the hot path, no promise), undefined when the
   * key must be looked up; throws for a missing key or one known to be invalid.
   */
  cachedActor(creds: { hash: string } | undefined): Actor | undefined {
    if (!creds || this.bypass) return undefined;
    const actor = this.cache.get(creds.hash);
    if (actor === false)
      throw new LecternError({ kind: 'unauthorized', reason: 'invalid_key' }, 'invalid or revoked API key');
    return actor;
  }

  async actorFor(creds: { key: string; hash: string } | undefined): Promise<Actor> {
    if (!creds) {
      throw new LecternError(
        { kind: 'unauthorized', reason: 'missing_key' },
        'missing API key: send Authorization: Bearer <key> or X-API-KEY',
      );
    }
    // Cached by hash, so no secret sits in the cache.
    let actor = this.bypass ? undefined : this.cache.get(creds.hash);
    if (actor === undefined) {
      actor = (await this.registry.authenticate(creds.key)) ?? false;
      if (!this.bypass) this.cache.set(creds.hash, actor);
    }
    if (!actor)
      throw new LecternError({ kind: 'unauthorized', reason: 'invalid_key' }, 'invalid or revoked API key');
    return actor;
  }
}
