// One call to one provider through the `openai` SDK (its own retries off: the run loop owns them),
// classified into what the routing rules need: ok (a parsed body, or a stream whose first bytes
// have arrived), or a failure with the upstream status, its Retry-After and a message that never
// carries a key.
import OpenAI from 'openai';
import type { JsonObject } from '../model/types.ts';
import type { Provider } from './providers.ts';
import { retryAfterMs } from './policy.ts';

export type Failure = {
  ok: false;
  /** The upstream HTTP status; null: no answer (network error, timeout, abort). */
  status: number | null;
  reason: 'http' | 'timeout' | 'unreachable' | 'aborted';
  retryAfterMs: number | undefined;
  message: string;
};

export type JsonAnswer = { ok: true; body: JsonObject };
export type StreamAnswer = {
  ok: true;
  /** The first bytes, already read (fallback is over once they go to the client). */
  first: Uint8Array;
  reader: ReadableStreamDefaultReader<Uint8Array>;
  firstByteAt: number;
};

const clients = new WeakMap<Provider, OpenAI>();

function clientFor(p: Provider, apiKey: string | undefined): OpenAI {
  const make = (key: string | undefined) =>
    new OpenAI({
      baseURL: p.baseURL,
      // The SDK insists on a key; a keyless local server gets a placeholder it ignores.
      apiKey: key ?? 'lectern-no-key',
      maxRetries: 0,
      defaultHeaders: p.headers,
      // Timeouts are ours (per attempt, until the first byte of a stream), see `call`.
      timeout: 24 * 3600 * 1000,
    });
  if (apiKey !== undefined) return make(apiKey);
  let c = clients.get(p);
  if (!c) clients.set(p, (c = make(p.apiKey)));
  return c;
}

/** An upstream message with any key we hold cut out (providers echo keys in 401 texts). */
function scrub(message: string, keys: (string | undefined)[]): string {
  let m = message;
  for (const k of keys) if (k && k.length >= 4) m = m.split(k).join('[redacted]');
  return m.length > 1024 ? `${m.slice(0, 1021)}...` : m;
}

function classify(err: unknown, timedOut: boolean, keys: (string | undefined)[]): Failure {
  if (timedOut)
    return { ok: false, status: null, reason: 'timeout', retryAfterMs: undefined, message: 'timed out' };
  if (err instanceof OpenAI.APIUserAbortError)
    return { ok: false, status: null, reason: 'aborted', retryAfterMs: undefined, message: 'aborted' };
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const headers = err.headers;
    const body = err.error as { message?: unknown } | undefined;
    const text = typeof body?.message === 'string' ? body.message : err.message;
    return {
      ok: false,
      status: err.status,
      reason: 'http',
      retryAfterMs: headers ? retryAfterMs((n) => headers.get(n)) : undefined,
      message: scrub(text, keys),
    };
  }
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  return {
    ok: false,
    status: null,
    reason: 'unreachable',
    retryAfterMs: undefined,
    message: cause ? `connection failed (${cause})` : 'connection failed',
  };
}

export interface CallOptions {
  provider: Provider;
  body: JsonObject;
  timeoutMs: number;
  signal: AbortSignal;
  /** A per-call key (load-balance credentials, customer credentials). */
  apiKey?: string;
}

/** A non-stream call: the parsed body, or a failure. */
export async function callJson(o: CallOptions): Promise<JsonAnswer | Failure> {
  const timer = new AbortController();
  let timedOut = false;
  const t = setTimeout(() => {
    timedOut = true;
    timer.abort();
  }, o.timeoutMs);
  try {
    const client = clientFor(o.provider, o.apiKey);
    const res = await client.chat.completions
      .create(o.body as never, { signal: AbortSignal.any([o.signal, timer.signal]) })
      .asResponse();
    const body = (await res.json()) as JsonObject;
    return { ok: true, body };
  } catch (err) {
    return classify(err, timedOut, [o.provider.apiKey, o.apiKey]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * A stream call: resolves once the first bytes are in (or with a failure before them). The
 * timeout covers the wait for the first byte; `signal` (the client went away) aborts it all.
 */
export async function callStream(o: CallOptions): Promise<StreamAnswer | Failure> {
  const timer = new AbortController();
  let timedOut = false;
  const t = setTimeout(() => {
    timedOut = true;
    timer.abort();
  }, o.timeoutMs);
  try {
    const client = clientFor(o.provider, o.apiKey);
    const res = await client.chat.completions
      .create(o.body as never, { signal: AbortSignal.any([o.signal, timer.signal]) })
      .asResponse();
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return {
          ok: false,
          status: null,
          reason: 'unreachable',
          retryAfterMs: undefined,
          message: 'the upstream closed the stream before sending anything',
        };
      }
      if (value.byteLength > 0) return { ok: true, first: value, reader, firstByteAt: performance.now() };
    }
  } catch (err) {
    return classify(err, timedOut, [o.provider.apiKey, o.apiKey]);
  } finally {
    clearTimeout(t);
  }
}
