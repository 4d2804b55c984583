import { describe, expect, it } from 'vitest';
import {
  formatCost,
  formatDate,
  formatLatency,
  formatPromptCount,
  formatTime,
  formatTimeFull,
  formatTokens,
  shortId,
} from './format.ts';

describe('request-log figures in tables', () => {
  it('shows an unknown cost as a dash, not as free', () => {
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0');
  });
  it('keeps two significant digits below a cent and cents above', () => {
    expect(formatCost(0.000123456)).toBe('$0.00012');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(1.2345)).toBe('$1.23');
  });
  it('rounds latency to ms, and long ones to tenths of seconds', () => {
    expect(formatLatency(412.6)).toBe('413 ms');
    expect(formatLatency(12_345)).toBe('12.3 s');
    expect(formatLatency(null)).toBe('—');
  });
  it('shows missing token counts as dashes', () => {
    expect(formatTokens(30, null)).toBe('30 / —');
  });
});

describe('short ids', () => {
  it('tells apart UUIDv7s made in the same minute (their heads are equal)', () => {
    const a = shortId('01a234a9-4d5a-73f0-975b-d7384c6c0b8a');
    const b = shortId('01a234a9-4d5b-7000-8000-00000000beef');
    expect(a).toBe('4c6c0b8a');
    expect(a).not.toBe(b);
    expect(shortId('short')).toBe('short');
  });
});

describe('dates', () => {
  // Local time: the zone the test runs in is the user's zone.
  const d = new Date(2026, 0, 5, 9, 7, 3);

  it('prints a day and a moment one way, zero-padded and sortable', () => {
    expect(formatDate(d)).toBe('2026-01-05');
    expect(formatTime(d)).toBe('2026-01-05 09:07');
    expect(formatTime(d, true)).toBe('2026-01-05 09:07:03');
  });

  it('keeps the seconds and the time zone for the hover text', () => {
    const full = formatTimeFull(d);
    expect(full).toMatch(/2026/);
    expect(full).toMatch(/:03/);
    expect(full).not.toBe(formatTime(d, true));
  });
});

describe("a list's prompt count", () => {
  it('groups thousands and marks a count the server only bounded', () => {
    expect(formatPromptCount(1)).toBe('1 prompt');
    expect(formatPromptCount(0)).toBe('0 prompts');
    expect(formatPromptCount(12345)).toBe('12,345 prompts');
    expect(formatPromptCount(1000, true)).toBe('1,000+ prompts');
  });
});
