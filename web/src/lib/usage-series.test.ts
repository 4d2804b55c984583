import { describe, expect, it } from 'vitest';
import { seriesOf } from './usage-series.ts';

const H = 3_600_000;
const since = Date.UTC(2026, 0, 1, 0, 30);
const until = since + 5 * H;

describe('seriesOf', () => {
  it('requests all in one bucket still make a line: zeros in every other bucket', () => {
    const s = seriesOf(
      [{ start: new Date(Date.UTC(2026, 0, 1, 2)).toISOString(), version: 1, count: 7 }],
      since,
      until,
      'hour',
    );
    const pts = s.get(1)!;
    expect(pts.length).toBeGreaterThan(1);
    expect(pts.map(([, n]) => n)).toEqual([0, 0, 7, 0, 0, 0]);
    expect(pts[0]![0]).toBe(Date.UTC(2026, 0, 1, 0));
  });

  it('one series per version, each over the same times', () => {
    const s = seriesOf(
      [
        { start: new Date(Date.UTC(2026, 0, 1, 1)).toISOString(), version: 1, count: 2 },
        { start: new Date(Date.UTC(2026, 0, 1, 3)).toISOString(), version: null, count: 4 },
      ],
      since,
      until,
      'hour',
    );
    expect([...s.keys()]).toEqual([1, null]);
    expect(s.get(1)!.map(([t]) => t)).toEqual(s.get(null)!.map(([t]) => t));
    expect(s.get(null)!.find(([, n]) => n > 0)).toEqual([Date.UTC(2026, 0, 1, 3), 4]);
  });
});
