// A Prometheus histogram for the one observation every request makes (its latency), registered in
// a prom-client registry like any of its metrics and exported in the same shape as prom-client's
// Histogram. Why not that class: its child `observe` re-validates the labels, allocates a
// label/value pair and rebuilds the labels' hash string on every call, about a microsecond of a
// cached hit's ~20. Here a child is found once (the caller keeps it) and an observation is a bucket
// search and three additions.
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;
/** What prom-client's registry reads from a metric's `get()` (its own types are not exported). */
interface Value {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** One label set's figures: `counts[i]` are the observations in bucket i alone (the last is +Inf). */
export class LatencyChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly children = new Map<string, LatencyChild>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of a label set (made on first use; callers keep it rather than ask per observation). */
  child(labels: Labels): LatencyChild {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = new LatencyChild({ ...labels }, this.bounds)));
    return c;
  }

  reset(): void {
    for (const c of this.children.values()) {
      c.counts.fill(0);
      c.sum = c.count = 0;
    }
  }

  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Value[] } {
    const values: Value[] = [];
    for (const c of this.children.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += c.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le }, value: acc });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le: '+Inf' }, value: c.count });
      values.push({ metricName: `${this.name}_sum`, labels: c.labels, value: c.sum });
      values.push({ metricName: `${this.name}_count`, labels: c.labels, value: c.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
