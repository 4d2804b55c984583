// One call to one provider over undici's `request` (no retries of its own: the run loop owns
// them), classified into what the routing rules need: ok (a parsed body, or a stream whose first
// bytes have arrived), or a failure with the upstream status, its Retry-After and a message that
// never carries a key.
//
// Why not the `openai` SDK (used here until wave 4): it goes through `fetch`, and per streamed call
// that cost ~300-400 µs of the event loop's CPU against ~45 µs for `request` (side by side against
// the bench upstream: `npx tsx bench/gateway-clients.ts`; docs/performance.md, "Gateway") — Request
// and Headers objects, the request body teed (fetch clones a request whose redirect mode is not
// `error`), web streams for the answer, AbortSignal.any. The gateway only ever used the SDK as a
// typed fetch (`create(...).asResponse()`), so the wire is the same: POST {base}/chat/completions,
// `Authorization: Bearer`, the provider's headers, and OpenAI's error shape read the way the SDK
// reads it (`{error: {message}}`).
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { JsonObject } from '../model/types.ts';
import type { Provider } from './providers.ts';
import { retryAfterMs } from './policy.ts';
import { Aborter, type RunSignal } from './aborter.ts';

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
  /** The bytes after them, paused until read (see relay.ts). */
  rest: Readable;
  /** Stops reading and closes the upstream request (the client went away). */
  cancel(): void;
  firstByteAt: number;
};

/** The most of an error answer read for its message. */
const MAX_ERROR_BYTES = 64 * 1024;

// One keep-alive pool for every provider (undici keeps one per origin inside it). Its own
// headers/body timeouts stay at undici's defaults (300 s), as they were under fetch: ours is the
// per-attempt timeout until the first byte, in `call`.
let agent: Agent | undefined;
const dispatcher = (): Agent => (agent ??= new Agent({ keepAliveTimeout: 30_000 }));

/** An upstream message with any key we hold cut out (providers echo keys in 401 texts). */
function scrub(message: string, keys: (string | undefined)[]): string {
  let m = message;
  for (const k of keys) if (k && k.length >= 4) m = m.split(k).join('[redacted]');
  return m.length > 1024 ? `${m.slice(0, 1021)}...` : m;
}

/** Reads an error answer the way the `openai` SDK does: `{error: {message}}`, else its text. */
async function httpFailure(res: Dispatcher.ResponseData, keys: (string | undefined)[]): Promise<Failure> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res.body as AsyncIterable<Buffer>) {
      if (size < MAX_ERROR_BYTES) chunks.push(c);
      size += c.byteLength;
      if (size >= MAX_ERROR_BYTES) break;
    }
  } catch {
    /* the message is what we have */
  }
  res.body.destroy();
  const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BYTES);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = parsed && typeof parsed === 'object' ? (parsed as { error?: unknown }).error : undefined;
  const inner = error && typeof error === 'object' ? (error as { message?: unknown }).message : undefined;
  const message =
    typeof inner === 'string'
      ? inner
      : inner !== undefined
        ? `${res.statusCode} ${JSON.stringify(inner)}`
        : error !== undefined
          ? `${res.statusCode} ${JSON.stringify(error)}`
          : parsed === undefined && text
            ? `${res.statusCode} ${text}`
            : `${res.statusCode} status code (no body)`;
  const header = (n: string) => {
    const v = res.headers[n.toLowerCase()];
    return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  };
  return {
    ok: false,
    status: res.statusCode,
    reason: 'http',
    retryAfterMs: retryAfterMs(header),
    message: scrub(message, keys),
  };
}

function classify(err: unknown, timedOut: boolean, aborted: boolean): Failure {
  if (timedOut)
    return { ok: false, status: null, reason: 'timeout', retryAfterMs: undefined, message: 'timed out' };
  if (aborted || err instanceof undiciErrors.RequestAbortedError)
    return { ok: false, status: null, reason: 'aborted', retryAfterMs: undefined, message: 'aborted' };
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.cause?.code ?? e?.code;
  return {
    ok: false,
    status: null,
    reason: 'unreachable',
    retryAfterMs: undefined,
    message: code ? `connection failed (${code})` : 'connection failed',
  };
}

export interface CallOptions {
  provider: Provider;
  body: JsonObject;
  timeoutMs: number;
  signal: RunSignal;
  /** A per-call key (load-balance credentials, customer credentials). */
  apiKey?: string;
}

/** `{base}/chat/completions`, as the SDK joins them (one slash between); joined once per base. */
const urls = new WeakMap<Provider, { base: string; url: string }>();
function urlOf(p: Provider): string {
  let u = urls.get(p);
  if (u?.base !== p.baseURL) {
    u = { base: p.baseURL, url: `${p.baseURL.replace(/\/+$/, '')}/chat/completions` };
    urls.set(p, u);
  }
  return u.url;
}

/**
 * Sends the request; resolves with the answer's head (2xx), or a failure. `timeoutMs` runs until
 * `settle` is called (the first byte of a stream, the whole body otherwise); `o.signal` (the
 * client went away) aborts it all.
 */
async function call(o: CallOptions): Promise<
  | {
      ok: true;
      res: Dispatcher.ResponseData;
      /** Stops the timeout clock (the client's going away still aborts the request). */
      settle: () => void;
      failed: (err: unknown) => Failure;
    }
  | Failure
> {
  const ac = new Aborter();
  let timedOut = false;
  // Linked for the whole call, a stream's too: the client leaving aborts the upstream request
  // at once, even while a slow upstream is between two chunks.
  if (o.signal.aborted) ac.abort();
  else o.signal.addEventListener('abort', () => ac.abort(), { once: true });
  const t = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, o.timeoutMs);
  const settle = () => clearTimeout(t);
  const keys = [o.provider.apiKey, o.apiKey];
  const key = o.apiKey ?? o.provider.apiKey;
  const failed = (err: unknown) => classify(err, timedOut, o.signal.aborted);
  try {
    const res = await request(urlOf(o.provider), {
      method: 'POST',
      dispatcher: dispatcher(),
      signal: ac,
      headers: {
        ...o.provider.headers,
        'content-type': 'application/json',
        accept: o.body['stream'] === true ? 'text/event-stream' : 'application/json',
        // A keyless local server gets no Authorization header at all.
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(o.body),
    });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const f = await httpFailure(res, keys);
      settle();
      return f;
    }
    return { ok: true, res, settle, failed };
  } catch (err) {
    settle();
    return failed(err);
  }
}

/** A non-stream call: the parsed body, or a failure. */
export async function callJson(o: CallOptions): Promise<JsonAnswer | Failure> {
  const r = await call(o);
  if (!r.ok) return r;
  try {
    const body = (await r.res.body.json()) as JsonObject;
    return { ok: true, body };
  } catch (err) {
    r.res.body.destroy();
    const f = r.failed(err);
    // A 2xx whose body is not JSON: an upstream fault, not a connection one.
    return err instanceof SyntaxError
      ? { ...f, reason: 'unreachable', message: 'the upstream answered invalid JSON' }
      : f;
  } finally {
    r.settle();
  }
}

/**
 * A stream call: resolves once the first bytes are in (or with a failure before them). The
 * timeout covers the wait for the first byte; `signal` (the client went away) aborts it all.
 */
export async function callStream(o: CallOptions): Promise<StreamAnswer | Failure> {
  const r = await call(o);
  if (!r.ok) return r;
  const body = r.res.body;
  const cancel = () => {
    body.destroy();
  };
  try {
    const first = await firstBytes(body);
    if (!first) {
      return {
        ok: false,
        status: null,
        reason: 'unreachable',
        retryAfterMs: undefined,
        message: 'the upstream closed the stream before sending anything',
      };
    }
    return { ok: true, first, rest: body, cancel, firstByteAt: performance.now() };
  } catch (err) {
    cancel();
    return r.failed(err);
  } finally {
    r.settle();
  }
}

/** A body's first non-empty chunk, the body left paused after it (null: it ended before one). */
function firstBytes(body: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      if (c.byteLength === 0) return;
      body.pause();
      off();
      resolve(c);
    };
    const onEnd = () => {
      off();
      resolve(null);
    };
    const onError = (err: unknown) => {
      off();
      reject(err);
    };
    const onClose = () => onError(new Error('the upstream body closed'));
    const off = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
