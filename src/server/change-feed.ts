// Keeps several Lectern processes on one PostgreSQL coherent: every change is published by the
// transaction that makes it, with NOTIFY on `lectern_changes` (payload {o: origin, c: [{k, w, p}]};
// PostgreSQL delivers it when, and only if, that transaction commits), and every process LISTENs
// and applies the changes of the others to its caches (read cache, API-key cache). PGlite belongs
// to one process, so there the local change listeners are all coherence needs.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.ts';
import type { Change } from '../registry/index.ts';

export const CHANGE_CHANNEL = 'lectern_changes';
/** PostgreSQL refuses NOTIFY payloads from 8000 bytes; above this a message says "drop everything". */
const MAX_PAYLOAD = 7000;

interface Message {
  o: string;
  /** Absent when the changes did not fit: the receiver invalidates everything. */
  c?: { k: Change['kind']; w: string | null; p?: string }[];
}

export function encodeChanges(origin: string, changes: readonly Change[]): string {
  const msg: Message = {
    o: origin,
    c: changes.map((c) => ({ k: c.kind, w: c.workspaceId, ...(c.promptId ? { p: c.promptId } : {}) })),
  };
  const s = JSON.stringify(msg);
  return s.length <= MAX_PAYLOAD ? s : JSON.stringify({ o: origin } satisfies Message);
}

/** The changes in a message, or 'all' when everything must go; null for our own or a garbled one. */
export function decodeChanges(origin: string, payload: string): Change[] | 'all' | null {
  let msg: Message;
  try {
    msg = JSON.parse(payload) as Message;
  } catch {
    return 'all'; // unreadable: be safe
  }
  if (!msg || typeof msg !== 'object') return 'all';
  if (msg.o === origin) return null;
  if (!Array.isArray(msg.c)) return 'all';
  return msg.c.map((c) => ({
    kind: c.k,
    workspaceId: typeof c.w === 'string' ? c.w : null,
    ...(typeof c.p === 'string' ? { promptId: c.p } : {}),
  }));
}

export interface ChangeFeed {
  /** Stops publishing (transactions committed from now on notify no one) and listening. */
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Changes committed by another process ('all' when they could not be told apart). */
  onRemote?: (changes: Change[] | 'all') => void;
  /** The feed went down (false: other processes' changes go unheard) or came back (true). */
  onState?: (up: boolean) => void;
}

export async function startChangeFeed(
  store: Store,
  registry: {
    publishChanges(channel: string, encode: (changes: readonly Change[]) => string): () => void;
  },
  opts: ChangeFeedOptions = {},
): Promise<ChangeFeed> {
  if (store.backend !== 'postgres') return { stop: async () => {} };
  const origin = randomUUID();
  const unlisten = opts.onRemote
    ? await store.listen(CHANGE_CHANNEL, (payload) => {
        const changes = decodeChanges(origin, payload);
        if (changes) opts.onRemote!(changes);
      })
    : async () => {};
  const offState = opts.onState && store.onFeedState ? store.onFeedState(opts.onState) : () => {};
  // Published by the writing transaction itself (registry inTx): delivered exactly when it commits.
  const off = registry.publishChanges(CHANGE_CHANNEL, (changes) => encodeChanges(origin, changes));
  return {
    async stop() {
      offState();
      off();
      await unlisten();
    },
  };
}
