// The gateway: run a stored prompt against the configured LLM providers (specs/runtime.md §3.3).
// One call per client request — `gateway.run(actor, input)` — so a route parses, calls this once
// and maps the result, like a registry call:
//   resolve the version (memoised by the server's read cache) → render it with Lectern's engines
//   on the render pool → merge the request over it → try the candidates in order, each with its
//   retries → answer (JSON, or a stream whose first bytes are already in) → log the run.
// Streams: fallback and retries end when the first byte goes to the client; the bytes after it
// are passed through as they arrive (no parse on the way) and folded for the log afterwards.
import type { Readable } from 'node:stream';
import { LecternError, badRequest } from '../model/errors.ts';
import type { Actor, Json, JsonObject } from '../model/types.ts';
import type { RequestAttempt, RequestLogInput, RequestLogSource } from '../model/request-log.ts';
import type { PromptRef, Resolved, VersionSelector } from '../registry/index.ts';
import { versionTask, type Renderer } from '../templates/tasks.ts';
import type { RenderMode } from '../templates/index.ts';
import { BUILTIN_PRICES, costOf, type PriceTable } from '../model/prices.ts';
import { aggregateSse, type Aggregated } from './aggregate.ts';
import { TrailerSplicer } from './trailer.ts';
import { SseRelay } from './relay.ts';
import type { RunSignal } from './aborter.ts';
import { completionAsMessages, flattenText, upstreamMessages } from './messages.ts';
import { mergeRun, type MergeInput } from './merge.ts';
import {
  RETRY_BUDGET_MS,
  backoffMs,
  candidatesOf,
  fallsBack,
  retryable,
  type RetryPolicy,
} from './policy.ts';
import { inferProvider, routeModel, type ProviderSet } from './providers.ts';
import { callJson, callStream, type Failure, type StreamAnswer } from './upstream.ts';

/** A variable whose value is another stored prompt, rendered and inserted as text (§2.1.3). */
export interface PromptVariable {
  prompt: true;
  ref: PromptRef;
  selector: VersionSelector;
  variables: Record<string, unknown>;
}

export interface RunInput {
  source: Extract<RequestLogSource, 'ka.gateway' | 'native'>;
  ref: PromptRef;
  selector: VersionSelector;
  /** The label the selector names, for the log (null: by number or latest). */
  label: string | null;
  variables: Record<string, unknown>;
  promptVariables?: Record<string, PromptVariable>;
  renderMode: RenderMode;
  merge: MergeInput;
  disableFallback?: boolean;
  /** Null or absent: one attempt per candidate. */
  retry?: RetryPolicy | null;
  /** Upstream statuses that move to the next candidate (null: any failure). */
  onStatusCodes?: number[] | null;
  /** A provider key for this call only (Keywords AI customer_credentials). */
  apiKey?: string;
  timeoutMs?: number;
  /** Aborted when the client goes away: the upstream call is aborted with it. */
  signal: RunSignal;
  /** Keep request and response bodies in the log (Keywords AI `disable_log` turns it off). */
  logBodies?: boolean;
  /** Extra fields of the log record (customer, metadata, trace ids …). */
  log?: Partial<RequestLogInput>;
  /**
   * A stream only: bytes to send after the upstream's last event and before its end marker
   * (`data: [DONE]`), made from the run's figures (Keywords AI's `request_breakdown` chunk).
   */
  trailer?: (s: RunSummary) => string;
}

/** A successful run's figures (Keywords AI `request_breakdown`; the same as its log record). */
export interface RunSummary {
  /** The model that answered, as the caller named it, and as the provider reported it. */
  model: string;
  responseModel: string | null;
  provider: string;
  inputTokens: number | null;
  outputTokens: number | null;
  /** From the price table (null: unknown model or no token counts). */
  costUsd: number | null;
  latencyMs: number;
  /** Streams: time to the first byte. */
  ttftMs: number | null;
  statusCode: number;
  stream: boolean;
  /** The answer's first choice's message (a stream's, folded). */
  completionMessage: Json | null;
  endTime: Date;
}

interface RunBase {
  resolved: Resolved;
  /** The final messages sent upstream (Keywords AI `prompt_message`). */
  messages: Json[];
  /** The model that answered (after fallback or load balancing), as the caller named it. */
  model: string;
}

export type RunResult =
  | (RunBase & { kind: 'json'; body: JsonObject; summary: RunSummary })
  | (RunBase & {
      kind: 'stream';
      /** The upstream's SSE bytes, first chunk included, then the rest as they arrive. */
      chunks: Readable;
    });

export interface GatewayDeps {
  providers: ProviderSet;
  renderer: Renderer;
  /** Look a version up (the server memoises it in its read cache). */
  resolve(actor: Actor, ref: PromptRef, sel: VersionSelector): Promise<Resolved>;
  /** Prices a run that did not come with a cost (model/prices.ts; default: the built-in table). */
  prices?: PriceTable;
  /** Hand a finished run to the request log (batched off the request path by its owner). */
  logRequest?(actor: Actor, input: RequestLogInput): unknown;
  /** Per-attempt timeout when neither the request nor the provider sets one, ms. */
  defaultTimeoutMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: RunSignal) => Promise<void>;
  onLogError?: (err: unknown) => void;
}

/** How a stream ended, for its log record. */
interface StreamEnd {
  status: 'success' | 'error';
  statusCode: number;
  errorType: string | null;
  errorMessage: string | null;
}

/** What one outcome of a run adds to its log record (the rest is the run's). */
interface RunOutcome {
  provider: string | null;
  model: string;
  responseModel?: string | null;
  apiType?: string | null;
  response?: Json;
  usage?: ReturnType<typeof usageOf>;
  costUsd?: number | null;
  endTime: Date;
  latencyMs: number;
  ttftMs?: number | null;
  status: 'success' | 'error';
  statusCode: number;
  errorType?: string | null;
  errorMessage?: string | null;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** The most of a streamed body kept for the log (the client gets all of it regardless). */
const MAX_LOGGED_STREAM_BYTES = 4 * 1024 * 1024;
/** How deep `_type: "prompt"` variables nest (Keywords AI: 2). */
const MAX_PROMPT_DEPTH = 2;

const sleepFor = (ms: number, signal: RunSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

function failureFault(f: Failure, model: string, attempts: number): LecternError {
  const tried = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (f.reason === 'timeout')
    return new LecternError(
      { kind: 'upstream_timeout', model },
      `the model ${model} did not answer in time${tried}`,
    );
  if (f.status === 429) {
    const retryAfter = Math.max(1, Math.ceil((f.retryAfterMs ?? 1000) / 1000));
    return new LecternError(
      { kind: 'upstream_rate_limited', model, retryAfter },
      `the provider of ${model} is rate limiting${tried}: ${f.message}`,
      { retry_after: retryAfter, upstream_status: 429 },
    );
  }
  // 401/403 upstream are the operator's provider key, not the caller's: a gateway failure.
  if (f.status !== null && f.status >= 400 && f.status < 500 && f.status !== 401 && f.status !== 403) {
    return new LecternError(
      { kind: 'upstream_rejected', model, upstreamStatus: f.status },
      `the provider of ${model} refused the request (${f.status}): ${f.message}`,
      { upstream_status: f.status },
    );
  }
  return new LecternError(
    { kind: 'upstream_failed', model, upstreamStatus: f.status },
    f.status === null
      ? `the provider of ${model} could not be reached${tried}: ${f.message}`
      : `the provider of ${model} failed (${f.status})${tried}: ${f.message}`,
    { upstream_status: f.status },
  );
}

const usageOf = (u: Json | undefined) => {
  const o = u && typeof u === 'object' && !Array.isArray(u) ? u : null;
  const n = (v: Json | undefined) => (typeof v === 'number' ? v : null);
  const details = o?.['prompt_tokens_details'];
  return {
    inputTokens: n(o?.['prompt_tokens']),
    outputTokens: n(o?.['completion_tokens']),
    cacheReadTokens:
      details && typeof details === 'object' && !Array.isArray(details) ? n(details['cached_tokens']) : null,
  };
};

const firstMessage = (body: JsonObject): Json | null => {
  const choices = body['choices'];
  const c = Array.isArray(choices) ? choices[0] : undefined;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c['message'] ?? null) : null;
};

/** What a successful run reports, from the upstream's answer (a stream's, folded) and its usage. */
function summaryOf(a: {
  model: string;
  provider: string;
  prices: PriceTable;
  answer: JsonObject;
  usage: ReturnType<typeof usageOf>;
  latencyMs: number;
  ttftMs: number | null;
  stream: boolean;
}): RunSummary {
  const responseModel = typeof a.answer['model'] === 'string' ? a.answer['model'] : null;
  return {
    model: a.model,
    responseModel,
    provider: a.provider,
    inputTokens: a.usage.inputTokens,
    outputTokens: a.usage.outputTokens,
    costUsd: costOf(a.prices, [a.model, responseModel], a.usage.inputTokens, a.usage.outputTokens),
    latencyMs: a.latencyMs,
    ttftMs: a.ttftMs,
    statusCode: 200,
    stream: a.stream,
    completionMessage: firstMessage(a.answer),
    endTime: new Date(),
  };
}

export function createGateway(deps: GatewayDeps) {
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? sleepFor;
  const prices = deps.prices ?? BUILTIN_PRICES;

  function log(actor: Actor, input: RequestLogInput) {
    if (!deps.logRequest) return;
    try {
      const r = deps.logRequest(actor, input);
      if (r && typeof (r as Promise<unknown>).then === 'function')
        (r as Promise<unknown>).then(undefined, (err) => deps.onLogError?.(err));
    } catch (err) {
      deps.onLogError?.(err);
    }
  }

  /** Nested prompt variables rendered to text, children first (depth and cycles bounded). */
  async function expandPromptVariables(
    actor: Actor,
    vars: Record<string, PromptVariable> | undefined,
    seen: string[],
    key: string,
  ): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, pv] of Object.entries(vars ?? {})) {
      const r = await deps.resolve(actor, pv.ref, pv.selector);
      if (seen.includes(r.prompt.id)) throw badRequest(`variable ${name}: prompt composition has a cycle`);
      if (seen.length >= MAX_PROMPT_DEPTH + 1)
        throw badRequest(`variable ${name}: prompt composition is deeper than ${MAX_PROMPT_DEPTH}`);
      out[name] = flattenText(await renderOf(actor, r, pv.variables, 'lenient', key, [...seen, r.prompt.id]));
    }
    return out;
  }

  async function renderOf(
    actor: Actor,
    r: Resolved,
    variables: Record<string, unknown>,
    mode: RenderMode,
    key: string,
    seen: string[],
    nested?: Record<string, PromptVariable>,
  ): Promise<Json[]> {
    const v = r.version;
    const inner: Record<string, PromptVariable> = {};
    const plain: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(variables)) {
      if (val && typeof val === 'object' && (val as PromptVariable).prompt === true)
        inner[k] = val as PromptVariable;
      else plain[k] = val;
    }
    const expanded = await expandPromptVariables(actor, { ...inner, ...nested }, seen, key);
    const out = await deps.renderer.run(versionTask(v, { ...plain, ...expanded }, mode), { key });
    return out.messages
      ? upstreamMessages(out.messages)
      : completionAsMessages(out.content as Record<string, unknown>[] | string | null);
  }

  async function run(actor: Actor, input: RunInput): Promise<RunResult> {
    const started = performance.now();
    const startTime = new Date();
    const resolved = await deps.resolve(actor, input.ref, input.selector);
    const v = resolved.version;
    const messages = await renderOf(
      actor,
      resolved,
      input.variables,
      input.renderMode,
      actor.keyId,
      [resolved.prompt.id],
      input.promptVariables,
    );
    const merged = mergeRun(v, messages, input.merge);
    const stream = merged.body['stream'] === true;
    const balance = merged.loadBalanceModels;
    if (balance?.some((m) => !(m.weight > 0) || typeof m.model !== 'string' || m.model === ''))
      throw badRequest('load_balance_models: each needs a model and a weight > 0', {
        field: 'load_balance_models',
      });
    const model = typeof merged.body['model'] === 'string' ? merged.body['model'] : null;
    const candidates = candidatesOf(
      model,
      balance,
      input.disableFallback ? null : merged.fallbackModels,
      random(),
    );
    if (candidates.length === 0)
      throw badRequest('no model: the version sets none and the request sends none');
    const routable = candidates.map((c) => ({ c, route: routeModel(deps.providers, c.model) }));
    if (!routable.some((r) => r.route))
      throw new LecternError(
        { kind: 'no_provider', model: candidates[0]!.model },
        `no provider is configured for the model ${candidates.map((c) => c.model).join(', ')}`,
      );

    const attempts: RequestAttempt[] = [];
    const retry = input.retry ?? { retries: 0, baseMs: 0 };
    const budgetEnd = performance.now() + RETRY_BUDGET_MS;
    let last: { f: Failure; model: string } | undefined;
    const bodies = input.logBodies !== false;
    // One object literal per record, the caller's extra fields copied in after: a record built by
    // spreading one object into the next (as before) allocated ~5 KB, this one ~0.8 KB.
    const record = (o: RunOutcome): RequestLogInput => {
      const r: RequestLogInput = {
        source: input.source,
        promptId: resolved.prompt.id,
        versionId: v.id,
        versionNumber: v.number,
        label: input.label,
        inputVariables: input.variables as JsonObject,
        request: bodies ? merged.body : null,
        omitBodies: !bodies,
        startTime,
        stream,
        attempts,
        provider: o.provider,
        model: o.model,
        responseModel: o.responseModel ?? null,
        apiType: o.apiType ?? null,
        response: bodies ? (o.response ?? null) : null,
        inputTokens: o.usage?.inputTokens ?? null,
        outputTokens: o.usage?.outputTokens ?? null,
        cacheReadTokens: o.usage?.cacheReadTokens ?? null,
        costUsd: o.costUsd ?? null,
        endTime: o.endTime,
        latencyMs: o.latencyMs,
        ttftMs: o.ttftMs ?? null,
        status: o.status,
        statusCode: o.statusCode,
        errorType: o.errorType ?? null,
        errorMessage: o.errorMessage ?? null,
      };
      // The run's own figures win over the caller's (customer, metadata, trace ids …).
      const extra = input.log as Record<string, unknown> | undefined;
      if (extra)
        for (const k in extra) if (!(k in r)) (r as unknown as Record<string, unknown>)[k] = extra[k];
      return r;
    };

    for (const { c, route } of routable) {
      if (!route) {
        attempts.push({
          provider: null,
          model: c.model,
          statusCode: null,
          errorType: 'no_provider',
          latencyMs: 0,
        });
        continue;
      }
      const body = { ...merged.body, model: route.model };
      const apiKey = typeof c.credentials?.['api_key'] === 'string' ? c.credentials['api_key'] : input.apiKey;
      const timeoutMs =
        input.timeoutMs ?? route.provider.timeoutMs ?? deps.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
      for (let a = 0; ; a++) {
        const t0 = performance.now();
        const opts = { provider: route.provider, body, timeoutMs, signal: input.signal, apiKey };
        const res = stream ? await callStream(opts) : await callJson(opts);
        const latencyMs = performance.now() - t0;
        if (res.ok) {
          attempts.push({
            provider: route.provider.id,
            model: c.model,
            statusCode: 200,
            errorType: null,
            latencyMs,
          });
          const common = { resolved, messages: merged.body['messages'] as Json[], model: c.model };
          if ('body' in res) {
            const usage = usageOf(res.body['usage']);
            const summary = summaryOf({
              model: c.model,
              provider: route.provider.id,
              prices,
              answer: res.body,
              usage,
              latencyMs: performance.now() - started,
              ttftMs: null,
              stream: false,
            });
            log(
              actor,
              record({
                provider: route.provider.id,
                model: c.model,
                responseModel: summary.responseModel,
                apiType: inferProvider(c.model).apiType,
                response: res.body,
                usage,
                costUsd: summary.costUsd,
                endTime: summary.endTime,
                latencyMs: summary.latencyMs,
                status: 'success',
                statusCode: 200,
              }),
            );
            return { ...common, kind: 'json', body: res.body, summary };
          }
          return {
            ...common,
            kind: 'stream',
            chunks: passThrough(
              actor,
              res,
              (agg, end) =>
                record({
                  provider: route.provider.id,
                  model: c.model,
                  apiType: inferProvider(c.model).apiType,
                  ttftMs: res.firstByteAt - started,
                  responseModel: typeof agg.response['model'] === 'string' ? agg.response['model'] : null,
                  response: agg.response,
                  usage: usageOf(agg.usage ?? undefined),
                  endTime: new Date(),
                  latencyMs: performance.now() - started,
                  ...end,
                }),
              input.signal,
              input.trailer &&
                ((agg: Aggregated) =>
                  input.trailer!(
                    summaryOf({
                      model: c.model,
                      provider: route.provider.id,
                      prices,
                      answer: agg.response,
                      usage: usageOf(agg.usage ?? undefined),
                      latencyMs: performance.now() - started,
                      ttftMs: res.firstByteAt - started,
                      stream: true,
                    }),
                  )),
            ),
          };
        }
        attempts.push({
          provider: route.provider.id,
          model: c.model,
          statusCode: res.status,
          errorType: res.reason === 'http' ? 'upstream_error' : res.reason,
          latencyMs,
        });
        last = { f: res, model: c.model };
        if (res.reason === 'aborted' || input.signal.aborted) break;
        if (a >= retry.retries || !retryable(res.status)) break;
        const wait = backoffMs(
          a,
          retry,
          res.status === 429 ? res.retryAfterMs : undefined,
          budgetEnd - performance.now(),
        );
        if (wait === undefined) break;
        await sleep(wait, input.signal);
        if (input.signal.aborted) break;
      }
      if (input.signal.aborted || last?.f.reason === 'aborted') break;
      if (last && !fallsBack(last.f.status, input.onStatusCodes ?? null)) break;
    }
    const lf = last?.f ?? {
      ok: false as const,
      status: null,
      reason: 'unreachable' as const,
      retryAfterMs: undefined,
      message: 'no provider for any candidate',
    };
    const fault = failureFault(lf, last?.model ?? candidates[0]!.model, attempts.length);
    log(
      actor,
      record({
        model: last?.model ?? candidates[0]!.model,
        provider: attempts.at(-1)?.provider ?? null,
        endTime: new Date(),
        latencyMs: performance.now() - started,
        status: 'error',
        statusCode: input.signal.aborted ? 499 : (lf.status ?? fault.status),
        errorType: input.signal.aborted ? 'client_closed' : fault.kind,
        errorMessage: fault.message,
      }),
    );
    throw fault;
  }

  /**
   * The stream's bytes for the client, unchanged, as they arrive (relay.ts). An upstream failure
   * after the first byte becomes one `data: {"error": …}` event (the `openai` SDK throws APIError
   * on it). When the client leaves, the upstream request is aborted (its signal) and the body
   * closed. The log record is made after the last byte went out.
   */
  function passThrough(
    actor: Actor,
    res: Pick<StreamAnswer, 'first' | 'rest' | 'cancel'>,
    record: (agg: Aggregated, end: StreamEnd) => RequestLogInput,
    signal: RunSignal,
    trailer?: (agg: Aggregated) => string,
  ): Readable {
    const kept: Uint8Array[] = [];
    let keptBytes = 0;
    // Folded once: the trailer's fold (at the end marker) serves the log too, unless more came.
    let folded: { n: number; agg: Aggregated } | undefined;
    const fold = () =>
      folded?.n === kept.length
        ? folded.agg
        : (folded = { n: kept.length, agg: aggregateSse(Buffer.concat(kept).toString('utf8')) }).agg;
    return new SseRelay({
      first: res.first,
      rest: res.rest,
      cancel: res.cancel,
      signal,
      splice: trailer ? new TrailerSplicer(() => trailer(fold())) : null,
      onChunk(chunk) {
        if (keptBytes >= MAX_LOGGED_STREAM_BYTES) return;
        kept.push(chunk);
        keptBytes += chunk.byteLength;
      },
      onEnd({ finished, failed }) {
        // setImmediate: not on the client's path.
        setImmediate(() => {
          const agg = fold();
          const closed = !finished && !failed;
          const error = failed ?? (agg.error ? String(agg.error['message'] ?? 'upstream error') : null);
          log(
            actor,
            record(agg, {
              status: error || closed ? 'error' : 'success',
              statusCode: closed ? 499 : error ? 502 : 200,
              errorType: closed ? 'client_closed' : error ? 'stream_interrupted' : null,
              errorMessage: closed ? 'the client closed the stream' : error,
            }),
          );
        });
      },
    });
  }

  return { run, providers: deps.providers };
}

export type Gateway = ReturnType<typeof createGateway>;
