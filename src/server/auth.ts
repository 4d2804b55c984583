// Authentication for every route: `Authorization: Bearer <key>`, `X-API-KEY: <key>`, or HTTP Basic
// `<public key>:<key>` (Langfuse clients: the public key must be the secret key's own). Resolved keys
// are cached by hash; any key change (revocation) clears the cache, here and, through the change
// feed, in every other process, so a revoked key is refused at once.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { LecternError } from '../model/errors.ts';
import type { Actor } from '../model/types.ts';
import type { Registry } from '../registry/index.ts';
import { hashKey, PUBLIC_KEY_PREFIX, publicKeyOf } from '../registry/keys.ts';

/**
 * What a request presents. `publicKey`: the Basic-auth user name, checked against the key the
 * secret resolves to. `publicOnly`: only a public identifier came (no secret), which can never
 * authenticate: refused with 403 as Langfuse does, before any look-up.
 */
export interface Presented {
  key: string;
  publicKey?: string;
  publicOnly?: boolean;
}

// Public identifiers: Lectern's own and Langfuse's (a client still configured with its old key).
const looksPublic = (s: string) => s.startsWith(PUBLIC_KEY_PREFIX) || s.startsWith('pk-lf-');

function basicCredentials(encoded: string): Presented | undefined {
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const user = colon < 0 ? text : text.slice(0, colon);
  const secret = colon < 0 ? '' : text.slice(colon + 1);
  if (!secret) return user ? { key: user, publicOnly: true } : undefined;
  return { key: secret, publicKey: user };
}

/** What credentials are read from: a request's headers (Fastify's or Node's own). */
type WithHeaders = { headers: IncomingHttpHeaders };

export function presentedCredentials(req: WithHeaders): Presented | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^\s*(?:Bearer|Token|Api-Key)\s+(\S+)\s*$/i.exec(auth);
    if (m) return looksPublic(m[1]!) ? { key: m[1]!, publicOnly: true } : { key: m[1]! };
    const b = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(auth);
    if (b) return basicCredentials(b[1]!);
  }
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x.trim()) return { key: x.trim() };
  return undefined;
}

export function presentedKey(req: WithHeaders): string | undefined {
  return presentedCredentials(req)?.key;
}

export type Credentials = Presented & { hash: string };

const publicKeyOnly = () =>
  new LecternError(
    { kind: 'forbidden', reason: 'public_key_only' },
    'a public key alone cannot authenticate: send it with its secret key (HTTP Basic public:secret)',
  );

/** A Basic-auth pair must name the key its secret belongs to. */
function checkPair(creds: Credentials, actor: Actor): Actor {
  if (creds.publicKey !== undefined && creds.publicKey !== publicKeyOf(actor.keyId)) {
    throw new LecternError(
      { kind: 'unauthorized', reason: 'key_pair_mismatch' },
      'the public key does not belong to the secret key',
    );
  }
  return actor;
}

interface Memo {
  auth: string | undefined;
  x: string | string[] | undefined;
  creds: Credentials | undefined;
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
  credentialsOf(req: FastifyRequest): Credentials | undefined {
    return this.credentialsFrom(req.raw);
  }

  /** The same, from Node's request (cache hits are answered before Fastify sees them). */
  credentialsFrom(req: IncomingMessage): Credentials | undefined {
    const auth = req.headers.authorization;
    const x = req.headers['x-api-key'];
    const socket = req.socket as object | undefined;
    const memo = socket ? this.perConnection.get(socket) : undefined;
    if (memo && memo.auth === auth && memo.x === x) return memo.creds;
    const presented = presentedCredentials(req);
    const creds = presented ? { ...presented, hash: hashKey(presented.key) } : undefined;
    if (socket) this.perConnection.set(socket, { auth, x, creds });
    return creds;
  }

  /**
   * The caller when its key is already in the cache (the hot path, no promise), undefined when the
   * key must be looked up; throws for a missing key or one known to be invalid.
   */
  cachedActor(creds: Credentials | undefined): Actor | undefined {
    if (creds?.publicOnly) throw publicKeyOnly();
    if (!creds || this.bypass) return undefined;
    const actor = this.cache.get(creds.hash);
    if (actor === false)
      throw new LecternError({ kind: 'unauthorized', reason: 'invalid_key' }, 'invalid or revoked API key');
    return actor && checkPair(creds, actor);
  }

  async actorFor(creds: Credentials | undefined): Promise<Actor> {
    if (creds?.publicOnly) throw publicKeyOnly();
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
    return checkPair(creds, actor);
  }
}
