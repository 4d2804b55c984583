// Keeps several Lectern processes on one PostgreSQL coherent: every change is published with NOTIFY
// on `lectern_changes` (payload {o: origin, c: [{k, w, p}]}) — key and workspace changes by the
// transaction that makes them (delivered when, and only if, it commits), prompt changes just after
// their commit, several per message (registry/change-publisher.ts) — and every process LISTENs
// and applies the changes of the others to its caches (read cache, API-key cache). PGlite belongs
// to one process, so there the local change listeners are all coherence needs.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.ts';
import type { Change } from '../registry/index.ts';

export const CHANGE_CHANNEL = 'lectern_changes';
/**
 * The origin of the outbox sequencer's fallback messages (registry/outbox.ts): no process's own, so
 * every process applies them; they tell of rows already numbered, so they start no sequencer run.
 */
export const OUTBOX_ORIGIN = 'outbox';
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

function fromOutbox(payload: string): boolean {
  try {
    return (JSON.parse(payload) as Message | null)?.o === OUTBOX_ORIGIN;
  } catch {
    return false;
  }
}

export interface ChangeFeed {
  /** Stops publishing (transactions committed from now on notify no one) and listening. */
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** Changes committed by another process ('all' when they could not be told apart). */
  /** `numbered`: told by the outbox sequencer, of rows it already numbered (nothing to sequence). */
  onRemote?: (changes: Change[] | 'all', meta: { numbered: boolean }) => void;
  /** The feed went down (false: other processes' changes go unheard) or came back (true). */
  onState?: (up: boolean) => void;
}

export async function startChangeFeed(
  store: Store,
  registry: {
    publishChanges(channel: string, encode: (changes: readonly Change[]) => string): () => Promise<void>;
  },
  opts: ChangeFeedOptions = {},
): Promise<ChangeFeed> {
  if (store.backend !== 'postgres') return { stop: async () => {} };
  const origin = randomUUID();
  const unlisten = opts.onRemote
    ? await store.listen(CHANGE_CHANNEL, (payload) => {
        const changes = decodeChanges(origin, payload);
        if (changes) opts.onRemote!(changes, { numbered: fromOutbox(payload) });
      })
    : async () => {};
  const offState = opts.onState && store.onFeedState ? store.onFeedState(opts.onState) : () => {};
  // Keys and workspaces are published by the writing transaction itself, prompt changes just after
  // its commit (registry inTx, change-publisher.ts); the outbox's fallback under OUTBOX_ORIGIN.
  const off = registry.publishChanges(CHANGE_CHANNEL, (changes) => encodeChanges(origin, changes));
  return {
    async stop() {
      offState();
      await off();
      await unlisten();
    },
  };
}
