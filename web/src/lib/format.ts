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
