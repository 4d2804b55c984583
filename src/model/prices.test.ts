// The price table: strict matching (provider prefix and date suffix only), cost from both token
// counts, and overrides that replace, add and remove entries — and refuse what cannot be a price.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUILTIN_PRICES, PriceTableError, costOf, priceOf, withPriceOverrides } from './prices.ts';

describe('price table', () => {
  it('finds a model by its name, with a provider prefix or a dated snapshot name', () => {
    expect(priceOf(BUILTIN_PRICES, 'gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf(BUILTIN_PRICES, 'openai/GPT-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf(BUILTIN_PRICES, 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf(BUILTIN_PRICES, 'claude-3-5-haiku-20241022')).toEqual({ input: 0.8, output: 4 });
    expect(priceOf(BUILTIN_PRICES, 'claude-3-5-sonnet@20240620')).toEqual({ input: 3, output: 15 });
    expect(priceOf(BUILTIN_PRICES, 'gpt-4-0613')).toEqual({ input: 30, output: 60 });
    expect(priceOf(BUILTIN_PRICES, 'claude-3-5-sonnet-latest')).toEqual({ input: 3, output: 15 });
  });

  it('does not guess: a variant of a known model, an unknown model or no model has no price', () => {
    expect(priceOf(BUILTIN_PRICES, 'gpt-4o-audio-preview')).toBeNull();
    expect(priceOf(BUILTIN_PRICES, 'my-finetune')).toBeNull();
    expect(priceOf(BUILTIN_PRICES, '')).toBeNull();
    expect(priceOf(BUILTIN_PRICES, null)).toBeNull();
  });

  it('costs input and output tokens at their prices per 1M, the first priced model of the list', () => {
    expect(costOf(BUILTIN_PRICES, ['gpt-4o'], 1_000_000, 1_000_000)).toBeCloseTo(12.5, 10);
    expect(costOf(BUILTIN_PRICES, ['gpt-4o-mini'], 1000, 500)).toBeCloseTo(0.00045, 12);
    // Only input tokens known (an error after the prompt was read): the output side counts 0.
    expect(costOf(BUILTIN_PRICES, ['gpt-4o'], 2000, null)).toBeCloseTo(0.005, 12);
    // The caller's alias is unknown, the answering model's snapshot name is priced.
    expect(costOf(BUILTIN_PRICES, ['my-alias', 'gpt-4o-mini-2024-07-18'], 1000, 0)).toBeCloseTo(0.00015, 12);
    expect(costOf(BUILTIN_PRICES, ['gpt-4o'], null, null)).toBeNull();
    expect(costOf(BUILTIN_PRICES, ['unknown'], 10, 10)).toBeNull();
  });

  it('is never negative and grows with tokens (any priced model, any counts)', () => {
    const models = [...BUILTIN_PRICES.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.nat(10_000_000),
        fc.nat(10_000_000),
        fc.nat(1000),
        (m, i, o, more) => {
          const c = costOf(BUILTIN_PRICES, [m], i, o)!;
          expect(c).toBeGreaterThanOrEqual(0);
          expect(costOf(BUILTIN_PRICES, [m], i + more, o + more)!).toBeGreaterThanOrEqual(c);
        },
      ),
    );
  });

  it('overrides replace, add and remove entries; the built-in table is left as it was', () => {
    const t = withPriceOverrides(
      BUILTIN_PRICES,
      JSON.stringify({
        'gpt-4o': { input: 2, output: 8 },
        'Local/Llama-3-70B': { input: 0, output: 0 },
        'gpt-4': null,
      }),
      'test',
    );
    expect(priceOf(t, 'gpt-4o')).toEqual({ input: 2, output: 8 });
    expect(priceOf(t, 'llama-3-70b')).toEqual({ input: 0, output: 0 });
    expect(priceOf(t, 'gpt-4')).toBeNull();
    expect(priceOf(BUILTIN_PRICES, 'gpt-4o')).toEqual({ input: 2.5, output: 10 });
    expect(costOf(t, ['llama-3-70b'], 100, 100)).toBe(0);
  });

  it('refuses an override that is not a price table, naming where it came from', () => {
    for (const bad of [
      'nope',
      '[]',
      '{"gpt-4o": 3}',
      '{"gpt-4o": {"input": -1, "output": 1}}',
      '{"gpt-4o": {"input": 1}}',
      '{"gpt-4o": {"input": "1", "output": 1}}',
      '{"": {"input": 1, "output": 1}}',
    ]) {
      expect(() => withPriceOverrides(BUILTIN_PRICES, bad, 'LECTERN_PRICES')).toThrow(PriceTableError);
      expect(() => withPriceOverrides(BUILTIN_PRICES, bad, 'LECTERN_PRICES')).toThrow(/^LECTERN_PRICES/);
    }
  });
});
