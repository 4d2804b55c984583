// The usage chart's lines: the server sends only the buckets that had requests, so a version whose
// requests all fell in one bucket would be a single point (a dot, no line). Each version's series is
// filled out to every bucket of the window, with 0 where there were none.

export interface Bucket {
  start: string;
  version: number | null;
  count: number;
}

export const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Per version, its [time, count] points over every bucket from `since` to `until`, in time order. */
export function seriesOf(
  buckets: readonly Bucket[],
  since: number,
  until: number,
  size: keyof typeof BUCKET_MS,
): Map<number | null, [number, number][]> {
  const step = BUCKET_MS[size];
  // Buckets start on UTC hour / day boundaries (date_trunc on the server).
  const times = new Set<number>();
  for (let t = Math.floor(since / step) * step; t <= until; t += step) times.add(t);
  for (const b of buckets) times.add(new Date(b.start).getTime());
  const grid = [...times].sort((a, b) => a - b);
  const out = new Map<number | null, [number, number][]>();
  for (const v of new Set(buckets.map((b) => b.version))) {
    const counts = new Map<number, number>();
    for (const b of buckets)
      if (b.version === v) {
        const t = new Date(b.start).getTime();
        counts.set(t, (counts.get(t) ?? 0) + b.count);
      }
    out.set(
      v,
      grid.map((t) => [t, counts.get(t) ?? 0]),
    );
  }
  return out;
}
