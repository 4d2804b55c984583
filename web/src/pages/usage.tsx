// Per-version usage on the prompt page: the figures behind "which version is better in production"
// and "who still uses version 3" — a table per version and a small SVG chart of requests over time,
// one line per version (no chart library: a few paths are enough).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import { promptUsage, type PromptUsage } from '../api/request-log.ts';
import { Empty, ErrorNote, Time } from '../components/ui.tsx';
import { formatCost, formatDate, formatLatency } from '../lib/format.ts';
import { BUCKET_MS, seriesOf } from '../lib/usage-series.ts';

const WINDOWS = [
  ['1', 'Last 24 hours', 'hour'],
  ['7', 'Last 7 days', 'day'],
  ['30', 'Last 30 days', 'day'],
] as const;

// One colour per version, from the theme (styles.css --series-N): the dark theme needs lighter
// ones for the legend's text to keep its contrast.
const COLORS = [0, 1, 2, 3, 4, 5].map((i) => `var(--series-${i})`);

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
// A version's summed cost is 0 when none of its records carried one: unknown, so a dash.
const usd = (v: number) => formatCost(v || null);

export function UsageView({ name, labels }: { name: string; labels: string[] }) {
  const s = useSession();
  const [days, setDays] = useState<string>('7');
  const [label, setLabel] = useState('');
  const bucket = WINDOWS.find((w) => w[0] === days)![2];
  const since = new Date(Date.now() - Number(days) * 86_400_000).toISOString();
  const usage = useQuery({
    queryKey: ['usage', s.workspace, name, days, label],
    queryFn: () => promptUsage(s.client, name, { since, bucket, label: label || undefined }),
  });
  return (
    <section aria-label="Usage">
      <div className="filters">
        <label className="field">
          <span>Window</span>
          <select value={days} onChange={(e) => setDays(e.target.value)}>
            {WINDOWS.map(([v, t]) => (
              <option key={v} value={v}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Label</span>
          <select value={label} onChange={(e) => setLabel(e.target.value)}>
            <option value="">All versions</option>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <a href={`#/logs?prompt=${encodeURIComponent(name)}`}>Open its request log</a>
      </div>
      {usage.isError && <ErrorNote error={usage.error} />}
      {usage.isLoading && <p aria-live="polite">Loading usage…</p>}
      {usage.data && <UsageBody usage={usage.data} bucket={bucket} />}
    </section>
  );
}

function UsageBody({ usage, bucket }: { usage: PromptUsage; bucket: keyof typeof BUCKET_MS }) {
  if (!usage.versions.length) return <Empty>No requests were logged for this prompt in this window.</Empty>;
  const scoreNames = [...new Set(usage.versions.flatMap((v) => Object.keys(v.scores)))].sort();
  return (
    <>
      {usage.label && (
        <p className="muted">
          Label <strong>{usage.label.name}</strong> pointed to version
          {usage.label.versions.length === 1 ? ' ' : 's '}
          {usage.label.versions.join(', ') || 'none'} in this window.
        </p>
      )}
      <UsageChart usage={usage} bucket={bucket} />
      <table className="table" aria-label="Usage per version">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Requests</th>
            <th scope="col">Error rate</th>
            <th scope="col">Latency p50</th>
            <th scope="col">Latency p95</th>
            <th scope="col">Tokens in / out</th>
            <th scope="col">Cost</th>
            {scoreNames.map((n) => (
              <th scope="col" key={n}>
                Score: {n}
              </th>
            ))}
            <th scope="col">Last request</th>
          </tr>
        </thead>
        <tbody>
          {usage.versions.map((v) => (
            <tr key={String(v.version)}>
              <th scope="row">{v.version === null ? 'unlinked' : `v${v.version}`}</th>
              <td>{v.count}</td>
              <td className={v.error_rate > 0 ? 'danger' : undefined}>{pct(v.error_rate)}</td>
              <td>{formatLatency(v.latency_p50_ms)}</td>
              <td>{formatLatency(v.latency_p95_ms)}</td>
              <td>
                {v.input_tokens} / {v.output_tokens}
              </td>
              <td>{usd(v.cost_usd)}</td>
              {scoreNames.map((n) => (
                <td key={n}>{v.scores[n] === undefined ? '—' : v.scores[n]!.toFixed(1)}</td>
              ))}
              <td>
                <Time iso={v.last_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Requests per bucket, one line per version. */
export function UsageChart({ usage, bucket }: { usage: PromptUsage; bucket: keyof typeof BUCKET_MS }) {
  const buckets = usage.buckets ?? [];
  if (!buckets.length) return null;
  const W = 640;
  const H = 180;
  const P = 32;
  const t0 = new Date(usage.since).getTime();
  const t1 = new Date(usage.until).getTime();
  const max = Math.max(1, ...buckets.map((b) => b.count));
  // The first bucket can start before the window (a partial day): it is drawn at the window's edge.
  const x = (t: number) => P + ((Math.max(t, t0) - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (n: number) => H - P - (n / max) * (H - 2 * P);
  const series = seriesOf(buckets, t0, t1, bucket);
  const versions = [...series.keys()];
  return (
    <figure className="usage-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Requests over time for ${versions.length} version(s)`}
      >
        <line x1={P} y1={H - P} x2={W - P} y2={H - P} stroke="currentColor" opacity="0.3" />
        <line x1={P} y1={P} x2={P} y2={H - P} stroke="currentColor" opacity="0.3" />
        <text x={P - 4} y={P + 4} textAnchor="end" fontSize="10" fill="currentColor">
          {max}
        </text>
        <text x={P - 4} y={H - P} textAnchor="end" fontSize="10" fill="currentColor">
          0
        </text>
        <text x={P} y={H - 8} fontSize="10" fill="currentColor">
          {formatDate(new Date(t0))}
        </text>
        <text x={W - P} y={H - 8} textAnchor="end" fontSize="10" fill="currentColor">
          {formatDate(new Date(t1))}
        </text>
        {versions.map((v, i) => {
          const points = series.get(v)!;
          const pts = points.map(([t, n]) => `${x(t).toFixed(1)},${y(n).toFixed(1)}`);
          const color = COLORS[i % COLORS.length]!;
          return (
            <g key={String(v)}>
              <polyline points={pts.join(' ')} fill="none" style={{ stroke: color }} strokeWidth="2" />
              {points.map(([t, n]) =>
                n > 0 ? (
                  <circle key={t} cx={x(t).toFixed(1)} cy={y(n).toFixed(1)} r="3" style={{ fill: color }} />
                ) : null,
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        Requests per {bucket}:{' '}
        {versions.map((v, i) => (
          <span key={String(v)} className="legend" style={{ color: COLORS[i % COLORS.length] }}>
            ● {v === null ? 'unlinked' : `v${v}`}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
