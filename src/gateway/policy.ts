// The routing rules of specs/runtime.md §3.3, pure: which models to try in which order, how often
// to retry one, how long to wait. The run loop (run.ts) applies them; tests check them alone.
import type { JsonObject } from '../model/types.ts';

export interface WeightedModel {
  model: string;
  weight: number;
  /** A per-call provider key (`{api_key}`): used for that call only, never stored. */
  credentials?: JsonObject;
}

export interface RetryPolicy {
  /** Retries after the first attempt (0: one attempt). */
  retries: number;
  /** Base of the exponential backoff, ms (Keywords AI's `retry_after`, 0.2 s by default). */
  baseMs: number;
}

export interface RoutingPlan {
  candidates: WeightedModel[];
  retry: RetryPolicy;
  /** Upstream statuses that move on to the next candidate; null: any failure does. */
  onStatusCodes: number[] | null;
}

/** Portkey's default and Keywords AI's documented codes. */
export const RETRY_CODES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** A Retry-After longer than this skips the retry (the wait would outlast the client). */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Every wait of one request together stays under this. */
export const RETRY_BUDGET_MS = 60_000;

/**
 * Portkey's weighted pick: r = rand·Σw, the first target with r < w (else r -= w). `rand` in [0, 1).
 * Weights are positive (checked at the edge); they need not sum to 1.
 */
export function weightedPick<T extends { weight: number }>(items: readonly T[], rand: number): T | undefined {
  if (items.length === 0) return undefined;
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = rand * total;
  for (const item of items) {
    if (r < item.weight) return item;
    r -= item.weight;
  }
  // Float rounding can leave r ≥ the last weight; the last item is the one r fell into.
  return items[items.length - 1];
}

/**
 * The ordered candidates: the load-balanced pick (or the model) first, then the fallbacks not
 * already tried. A fallback equal to the primary is skipped: retries cover that model.
 */
export function candidatesOf(
  model: string | null,
  loadBalance: readonly WeightedModel[] | null,
  fallbacks: readonly string[] | null,
  rand: number,
): WeightedModel[] {
  const first =
    (loadBalance && weightedPick(loadBalance, rand)) ?? (model ? { model, weight: 1 } : undefined);
  const out: WeightedModel[] = first ? [first] : [];
  for (const f of fallbacks ?? []) if (!out.some((c) => c.model === f)) out.push({ model: f, weight: 1 });
  return out;
}

/** Whether a failed attempt is retried on the same target. */
export const retryable = (status: number | null) => status === null || RETRY_CODES.has(status);

/** Whether a failure moves on to the next candidate. Transport errors (null) always do. */
export const fallsBack = (status: number | null, onStatusCodes: number[] | null) =>
  status === null || onStatusCodes === null || onStatusCodes.includes(status);

/**
 * How long the upstream asked us to wait, ms: `retry-after-ms`, `x-ms-retry-after-ms`, then
 * `retry-after` (seconds or an HTTP date). Undefined when absent or unreadable.
 */
export function retryAfterMs(get: (name: string) => string | null, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = get(name);
    if (v !== null && v.trim() !== '') {
      const n = Number(v);
      if (Number.isFinite(n) && n >= 0) return n;
    }
  }
  const ra = get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `attempt + 1`: the upstream's Retry-After when it gave one, else
 * `baseMs · 2^attempt`. Undefined: do not retry (the wait is over the cap or the budget left).
 */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  upstreamAsked: number | undefined,
  budgetLeftMs: number,
): number | undefined {
  const wait = upstreamAsked ?? policy.baseMs * 2 ** attempt;
  if (wait >= MAX_RETRY_AFTER_MS || wait > budgetLeftMs) return undefined;
  return wait;
}
