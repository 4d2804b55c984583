// A small built-in price table, so a request log record (and the usage figures over it) has a cost
// when the caller did not send one. USD per 1M tokens, standard tier, text, no caching or batch
// discount. Source and date: docs/request-log.md ("Cost"). Prices change: an operator overrides
// or removes entries with LECTERN_PRICES_FILE / LECTERN_PRICES (parsePriceOverrides), and a
// caller's own cost always wins.
//
// Matching is deliberately strict: the model name is lower-cased, a provider prefix
// (`openai/gpt-4o`) and a date or `-latest` suffix (`gpt-4o-2024-08-06`, `claude-3-5-haiku-20241022`,
// `claude-3-5-sonnet@20240620`, `gpt-4-0613`) are taken off, and the rest must be a key of the
// table. No prefix guessing: `gpt-4o-audio-preview` is priced differently from `gpt-4o`, and no
// cost is better than a wrong one.

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens. */
  input: number;
  /** USD per 1M output (completion) tokens. */
  output: number;
}

export type PriceTable = ReadonlyMap<string, ModelPrice>;

/** When the built-in figures were taken from the vendors' pricing pages (docs/request-log.md). */
export const BUILTIN_PRICES_AS_OF = '2025-11';

const p = (input: number, output: number): ModelPrice => ({ input, output });

/** The built-in table: the vendors' list prices (docs/request-log.md names the pages). */
export const BUILTIN_PRICES: PriceTable = new Map<string, ModelPrice>([
  // OpenAI — platform.openai.com/docs/pricing
  ['gpt-5', p(1.25, 10)],
  ['gpt-5-mini', p(0.25, 2)],
  ['gpt-5-nano', p(0.05, 0.4)],
  ['gpt-4.1', p(2, 8)],
  ['gpt-4.1-mini', p(0.4, 1.6)],
  ['gpt-4.1-nano', p(0.1, 0.4)],
  ['gpt-4o', p(2.5, 10)],
  ['gpt-4o-mini', p(0.15, 0.6)],
  ['o1', p(15, 60)],
  ['o3', p(2, 8)],
  ['o3-mini', p(1.1, 4.4)],
  ['o4-mini', p(1.1, 4.4)],
  ['gpt-4-turbo', p(10, 30)],
  ['gpt-4', p(30, 60)],
  ['gpt-3.5-turbo', p(0.5, 1.5)],
  // Anthropic — anthropic.com/pricing (API)
  ['claude-opus-4-5', p(5, 25)],
  ['claude-opus-4-1', p(15, 75)],
  ['claude-opus-4', p(15, 75)],
  ['claude-sonnet-4-5', p(3, 15)],
  ['claude-sonnet-4', p(3, 15)],
  ['claude-haiku-4-5', p(1, 5)],
  ['claude-3-7-sonnet', p(3, 15)],
  ['claude-3-5-sonnet', p(3, 15)],
  ['claude-3-5-haiku', p(0.8, 4)],
  ['claude-3-opus', p(15, 75)],
  ['claude-3-haiku', p(0.25, 1.25)],
  // Google — ai.google.dev/gemini-api/docs/pricing (prompts up to 200k tokens)
  ['gemini-2.5-pro', p(1.25, 10)],
  ['gemini-2.5-flash', p(0.3, 2.5)],
  ['gemini-2.5-flash-lite', p(0.1, 0.4)],
  ['gemini-2.0-flash', p(0.1, 0.4)],
  ['gemini-1.5-pro', p(1.25, 5)],
  ['gemini-1.5-flash', p(0.075, 0.3)],
]);

const SUFFIX = /(?:-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{4}|@\d{8}|@latest|-latest)$/;

/** A model name as the table keys it: lower case, without a provider prefix. */
export function priceKey(model: string): string {
  let m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) m = m.slice(slash + 1);
  return m;
}

/** The price of a model, or null when the table does not know it. */
export function priceOf(table: PriceTable, model: string | null | undefined): ModelPrice | null {
  if (!model) return null;
  const key = priceKey(model);
  return table.get(key) ?? table.get(key.replace(SUFFIX, '')) ?? null;
}

/**
 * The cost in USD of a run, or null when the model is unpriced or no token count is known. A
 * missing count of one side counts as 0 (an error answered after the prompt was read has input
 * tokens only).
 */
export function costOf(
  table: PriceTable,
  models: readonly (string | null | undefined)[],
  inputTokens: number | null | undefined,
  outputTokens: number | null | undefined,
): number | null {
  if (inputTokens == null && outputTokens == null) return null;
  let price: ModelPrice | null = null;
  for (const m of models) if ((price = priceOf(table, m))) break;
  if (!price) return null;
  return ((inputTokens ?? 0) * price.input + (outputTokens ?? 0) * price.output) / 1e6;
}

/** A price override that cannot be used: the start fails with this message. */
export class PriceTableError extends Error {}

/**
 * Parses an override — a JSON object `{ "<model>": {"input": n, "output": n} | null }`, prices in
 * USD per 1M tokens, null removing a built-in entry — and returns `base` with it applied.
 */
export function withPriceOverrides(base: PriceTable, json: string, source: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new PriceTableError(`${source}: not JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new PriceTableError(`${source}: must be an object of model names`);
  const out = new Map(base);
  for (const [model, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = priceKey(model);
    if (!key) throw new PriceTableError(`${source}: an empty model name`);
    if (v === null) {
      out.delete(key);
      continue;
    }
    const o = v as Record<string, unknown>;
    const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    if (!o || typeof o !== 'object' || Array.isArray(o) || !ok(o['input']) || !ok(o['output']))
      throw new PriceTableError(
        `${source}: ${model} needs {"input": USD per 1M tokens, "output": USD per 1M tokens} (numbers >= 0) or null`,
      );
    out.set(key, { input: o['input'] as number, output: o['output'] as number });
  }
  return out;
}
