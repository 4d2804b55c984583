// The routing rules of specs/runtime.md §3.3 alone: weighted pick, candidate order, retry and
// fallback decisions, Retry-After parsing and the backoff caps. Property tests for the pick.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_RETRY_AFTER_MS,
  backoffMs,
  candidatesOf,
  fallsBack,
  retryAfterMs,
  retryable,
  weightedPick,
} from './policy.ts';

describe('weightedPick', () => {
  it('is Portkey’s formula: the first item whose weight r falls into', () => {
    const items = [
      { model: 'a', weight: 0.7 },
      { model: 'b', weight: 0.3 },
    ];
    expect(weightedPick(items, 0)!.model).toBe('a');
    expect(weightedPick(items, 0.69)!.model).toBe('a');
    expect(weightedPick(items, 0.71)!.model).toBe('b');
    expect(weightedPick(items, 0.999999)!.model).toBe('b');
    expect(weightedPick([], 0.5)).toBeUndefined();
  });

  it('always picks an item, and each item over exactly its share of [0, 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (weights, r) => {
          const items = weights.map((weight, i) => ({ i, weight }));
          const picked = weightedPick(items, r)!;
          expect(picked).toBeDefined();
          const total = weights.reduce((s, w) => s + w, 0);
          const before = weights.slice(0, picked.i).reduce((s, w) => s + w, 0);
          // r·Σw lies in the picked item's interval (float slack at the edges).
          expect(r * total).toBeGreaterThanOrEqual(before - 1e-9 * total);
          if (picked.i < items.length - 1)
            expect(r * total).toBeLessThan(before + picked.weight + 1e-9 * total);
        },
      ),
    );
  });
});

describe('candidatesOf', () => {
  it('load balance replaces the model; fallbacks follow without repeating the primary', () => {
    expect(candidatesOf('m', null, ['f1', 'm', 'f2'], 0).map((c) => c.model)).toEqual(['m', 'f1', 'f2']);
    expect(candidatesOf('m', [{ model: 'lb', weight: 1 }], ['f'], 0).map((c) => c.model)).toEqual([
      'lb',
      'f',
    ]);
    expect(candidatesOf(null, null, null, 0)).toEqual([]);
    expect(candidatesOf(null, null, ['f'], 0).map((c) => c.model)).toEqual(['f']);
  });
});

describe('retry and fallback decisions', () => {
  it('retries 429 and 5xx gateway codes and transport errors only', () => {
    for (const s of [429, 500, 502, 503, 504, null]) expect(retryable(s)).toBe(true);
    for (const s of [400, 401, 404, 422, 501]) expect(retryable(s)).toBe(false);
  });
  it('falls back on any failure unless narrowed by on_status_codes (transport errors always)', () => {
    expect(fallsBack(400, null)).toBe(true);
    expect(fallsBack(400, [429])).toBe(false);
    expect(fallsBack(429, [429])).toBe(true);
    expect(fallsBack(null, [429])).toBe(true);
  });
});

describe('Retry-After', () => {
  const h = (o: Record<string, string>) => (n: string) => o[n] ?? null;
  it('reads retry-after-ms, x-ms-retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfterMs(h({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(h({ 'x-ms-retry-after-ms': '40', 'retry-after': '9' }))).toBe(40);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': 'Tue, 01 Dec 2026 12:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(h({}))).toBeUndefined();
  });
  it('backs off exponentially, honours the upstream, and skips waits over 60 s or the budget', () => {
    const p = { retries: 3, baseMs: 200 };
    expect([0, 1, 2].map((a) => backoffMs(a, p, undefined, 60_000))).toEqual([200, 400, 800]);
    expect(backoffMs(0, p, 1500, 60_000)).toBe(1500);
    expect(backoffMs(0, p, MAX_RETRY_AFTER_MS, 120_000)).toBeUndefined();
    expect(backoffMs(0, p, 5000, 1000)).toBeUndefined();
  });
});
