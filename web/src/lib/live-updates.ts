// Live updates: the change stream (`GET /v1/events?from=now`, Server-Sent Events) tells the UI what
// another tab, program or API changed, and the cached queries that show it are invalidated, so an
// open list or prompt page refetches and redraws without a reload. fetch + eventsource-parser rather
// than EventSource: EventSource cannot send the Authorization header, and the key must not go in a
// URL. A dropped stream reconnects with Last-Event-ID (nothing missed inside the retention window).

import type { QueryClient } from '@tanstack/react-query';

/** One change-stream event's payload (docs/webhooks.md). */
export interface ChangeEvent {
  type: string;
  data: { prompt?: string | null; prompt_id?: string | null; from?: string; to?: string; snippet?: string };
}

/**
 * The query-key prefixes that show what the event changed (TanStack Query matches prefixes). Pure,
 * so the mapping is unit-tested; the keys are the ones the pages use.
 */
export function keysToInvalidate(e: ChangeEvent, workspace: string): unknown[][] {
  const { prompt, prompt_id: id } = e.data;
  // Every change can move a prompt in the list (updated time, latest version, labels, tags, name).
  const keys: unknown[][] = [['prompts'], ['prompt-count', workspace]];
  const names = (): unknown[][] => [['prompt-names', workspace]];
  if (e.type === 'prompt.created' || e.type === 'prompt.deleted' || e.type === 'prompt.restored')
    keys.push(...names()); // the folder tree is built from the names
  if (e.type === 'prompt.renamed') {
    // Both names' pages: the old one now answers 404, the new one exists.
    keys.push(...names(), ['prompt', workspace]);
    return keys;
  }
  if (prompt) keys.push(['prompt', workspace, prompt]);
  if (id) keys.push(['versions', workspace, id], ['label-history', workspace, id]);
  if (e.type.startsWith('snippet.') || e.type === 'prompt.dependency.updated')
    keys.push(['snippet-usage', workspace]);
  return keys;
}

export interface LiveOptions {
  /** Opens the stream (the client's fetch with its key); `lastEventId` resumes. */
  open: (signal: AbortSignal, lastEventId: string | undefined) => Promise<Response>;
  onEvents: (events: ChangeEvent[]) => void;
  /** The stream is open (first time, or again after a drop). */
  onOpen?: (resumed: boolean) => void;
  onState?: (state: 'live' | 'reconnecting') => void;
}

/** Runs the stream until the returned stop is called; changes are handed over in batches. */
export function startLiveUpdates(opts: LiveOptions): () => void {
  const ctl = new AbortController();
  let lastId: string | undefined;
  let batch: ChangeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A burst (an import, a bulk label move) becomes one round of refetches.
  const flush = () => {
    timer = undefined;
    const b = batch;
    batch = [];
    if (b.length) opts.onEvents(b);
  };
  const run = async () => {
    const { createParser } = await import('eventsource-parser');
    let delay = 1000;
    while (!ctl.signal.aborted) {
      try {
        const res = await opts.open(ctl.signal, lastId);
        if (!res.ok || !res.body) throw new Error(`change stream answered ${res.status}`);
        opts.onOpen?.(lastId !== undefined);
        opts.onState?.('live');
        delay = 1000;
        const parser = createParser({
          onEvent: (m) => {
            if (m.id) lastId = m.id;
            try {
              batch.push(JSON.parse(m.data) as ChangeEvent);
            } catch {
              return; // not a change event: nothing to invalidate
            }
            timer ??= setTimeout(flush, 50);
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (ctl.signal.aborted) return;
      }
      opts.onState?.('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => {
    ctl.abort();
    if (timer) clearTimeout(timer);
  };
}

/**
 * Once the stream is open (first time, or again after a drop), every query read before that may
 * have missed a change made in between: data already here, and a fetch still in flight, whose read
 * on the server may predate the open though its answer comes after. Each is fetched again once:
 * a query with data at once (a fetch in flight restarted), a first fetch still in flight as soon
 * as it settles (TanStack Query joins a refetch to a first fetch rather than restarting it).
 * Returns a stop for the wait on those first fetches.
 */
export function refetchAfterOpen(qc: QueryClient): () => void {
  const cache = qc.getQueryCache();
  const waiting = new Set(
    cache
      .findAll({ fetchStatus: 'fetching' })
      .filter((q) => q.state.data === undefined)
      .map((q) => q.queryHash),
  );
  void qc.invalidateQueries({ predicate: (q) => q.state.data !== undefined && !waiting.has(q.queryHash) });
  if (!waiting.size) return () => {};
  const stop = cache.subscribe((e) => {
    if (!waiting.has(e.query.queryHash)) return;
    if (e.type === 'removed' || e.query.state.fetchStatus === 'idle') {
      waiting.delete(e.query.queryHash);
      if (e.type !== 'removed') void qc.invalidateQueries({ queryKey: e.query.queryKey, exact: true });
      if (!waiting.size) stop();
    }
  });
  return stop;
}
