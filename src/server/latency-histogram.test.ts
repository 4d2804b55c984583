import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.ts';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.01, 1];
/** Metric lines with their labels sorted, so the two exports compare whatever order labels print in. */
const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\{(.*)\}/, (_, inner: string) => `{${inner.split(',').sort().join(',')}}`))
    .sort();

describe('LatencyHistogram', () => {
  it("exports what prom-client's Histogram exports for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new LatencyHistogram('t_seconds', 'help', BOUNDS, ours);
    const ref = new Histogram({
      name: 't_seconds',
      help: 'help',
      labelNames: ['route', 'status'],
      buckets: BOUNDS,
      registers: [theirs],
    });
    const values = [0, 0.0005, 0.0006, 0.001, 0.002, 0.5, 1, 3, 1e-7];
    for (const [route, status] of [
      ['/a', '200'],
      ['/b/:x', '404'],
    ] as const) {
      const child = h.child({ route, status });
      for (const v of values) {
        child.observe(v);
        ref.observe({ route, status }, v);
      }
    }
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
    expect(await ours.metrics()).toContain('# TYPE t_seconds histogram');
  });

  it('gives one child per label set, whatever order the labels come in', () => {
    const h = new LatencyHistogram('u_seconds', 'help', BOUNDS, new Registry());
    const a = h.child({ method: 'GET', route: '/x' });
    expect(h.child({ route: '/x', method: 'GET' })).toBe(a);
    expect(h.child({ route: '/x', method: 'POST' })).not.toBe(a);
  });

  it('reset empties every bucket', async () => {
    const reg = new Registry();
    const h = new LatencyHistogram('v_seconds', 'help', BOUNDS, reg);
    h.child({ route: '/x' }).observe(0.002);
    h.reset();
    expect(lines(await reg.metrics()).every((l) => l.endsWith(' 0'))).toBe(true);
  });
});
