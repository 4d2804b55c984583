// How the request log's figures read in tables: unknown is a dash (never 0 or "null"), and a cost of
// fractions of a cent keeps two significant digits instead of rounding to "$0.00".

export const DASH = '—';

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return DASH;
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(2)}`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatTokens(input: number | null, output: number | null): string {
  return `${input ?? DASH} / ${output ?? DASH}`;
}

/**
 * A short form of a UUID for tables: its last 8 hex digits. A UUIDv7 begins with its creation time,
 * so the first 8 are the same for every id made within about a minute (every row of an audit page
 * read "01a234a9"); the tail is random and tells them apart.
 */
export function shortId(id: string): string {
  const hex = id.replace(/-/g, '');
  return hex.length > 8 ? hex.slice(-8) : id;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The UI's one way to print a day: "2026-12-01", in the user's zone. Sortable, and the same width in
 * every row; the locale's own forms ("12/1/2026", "1 Dec 2026") differ by browser.
 */
export function formatDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** …and a moment: "2026-12-01 10:00", with `seconds` "2026-12-01 10:00:07" (the request log). */
export function formatTime(d: Date, seconds = false): string {
  const s = seconds ? `:${pad(d.getSeconds())}` : '';
  return `${formatDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}${s}`;
}

/** The full timestamp shown on hover: seconds and the time zone, in the user's locale. */
export function formatTimeFull(d: Date): string {
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

/**
 * How many prompts a list holds: "1 prompt", "1,234 prompts", and past a count the server only
 * bounds (a broad search, `total_is_lower_bound`) "1,000+ prompts".
 */
export function formatPromptCount(total: number, atLeast = false): string {
  const n = `${total.toLocaleString('en-US')}${atLeast ? '+' : ''}`;
  return `${n} prompt${total === 1 && !atLeast ? '' : 's'}`;
}
