// The request-log page: every logged run of the workspace, filtered (prompt, version, status,
// source, model, customer, time), newest first, pages by cursor; a row opens the record with its
// full request and response.
import { useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import {
  getRequestLog,
  listRequestLogs,
  oneOf,
  SOURCES,
  STATUSES,
  type LogFilters,
} from '../api/request-log.ts';
import { Empty, ErrorNote, JsonBlock } from '../components/ui.tsx';

function initialFilters(): LogFilters {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const f: LogFilters = {};
  for (const k of ['prompt', 'version', 'model', 'customer'] as const) {
    const v = q.get(k);
    if (v) f[k] = v;
  }
  const status = oneOf(STATUSES, q.get('status'));
  const source = oneOf(SOURCES, q.get('source'));
  if (status) f.status = status;
  if (source) f.source = source;
  return f;
}

export function RequestLogs() {
  const s = useSession();
  const [draft, setDraft] = useState<LogFilters>(initialFilters);
  const [filters, setFilters] = useState<LogFilters>(draft);
  const [open, setOpen] = useState<string | null>(null);
  const logs = useInfiniteQuery({
    queryKey: ['request-logs', s.workspace, filters],
    queryFn: ({ pageParam }) => listRequestLogs(s.client, filters, pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean = Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as LogFilters;
    if (clean.since) clean.since = new Date(clean.since).toISOString();
    if (clean.until) clean.until = new Date(clean.until).toISOString();
    setFilters(clean);
    setOpen(null);
  };
  const field = (
    k: 'prompt' | 'version' | 'model' | 'customer' | 'since' | 'until',
    label: string,
    type = 'text',
  ) => (
    <label>
      <span>{label}</span>
      <input
        type={type}
        value={draft[k] ?? ''}
        onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
      />
    </label>
  );
  const rows = logs.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Request log</h1>
      <form className="filters" onSubmit={submit} aria-label="Filter the request log">
        {field('prompt', 'Prompt')}
        {field('version', 'Version', 'number')}
        <label>
          <span>Status</span>
          <select
            value={draft.status ?? ''}
            onChange={(e) => setDraft({ ...draft, status: oneOf(STATUSES, e.target.value) })}
          >
            <option value="">Any</option>
            {STATUSES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Source</span>
          <select
            value={draft.source ?? ''}
            onChange={(e) => setDraft({ ...draft, source: oneOf(SOURCES, e.target.value) })}
          >
            <option value="">Any</option>
            {SOURCES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        {field('model', 'Model')}
        {field('customer', 'Customer')}
        {field('since', 'From', 'datetime-local')}
        {field('until', 'To', 'datetime-local')}
        <button type="submit">Apply filters</button>
      </form>
      {logs.isError && <ErrorNote error={logs.error} />}
      {logs.isLoading && <p aria-live="polite">Loading…</p>}
      {logs.isSuccess && !rows.length && <Empty>No logged requests match.</Empty>}
      {rows.length > 0 && (
        <table className="table" aria-label="Logged requests">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Source</th>
              <th scope="col">Version</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col">Latency</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Customer</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} aria-selected={open === r.id}>
                <td>{new Date(r.created_at).toLocaleString()}</td>
                <td>{r.source}</td>
                <td>
                  {r.version_number === null ? '—' : `v${r.version_number}${r.label ? ` (${r.label})` : ''}`}
                </td>
                <td>{r.model ?? '—'}</td>
                <td className={r.status === 'error' ? 'danger' : undefined}>
                  {r.status}
                  {r.status_code ? ` ${r.status_code}` : ''}
                </td>
                <td>{r.latency_ms === null ? '—' : `${Math.round(r.latency_ms)} ms`}</td>
                <td>
                  {r.input_tokens ?? '—'} / {r.output_tokens ?? '—'}
                </td>
                <td>{r.customer_identifier ?? '—'}</td>
                <td>
                  <button type="button" onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {open === r.id ? 'Close' : 'Open'} request {r.id}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {logs.hasNextPage && (
        <button type="button" onClick={() => void logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
          Older requests
        </button>
      )}
      {open && <RequestDetail id={open} />}
    </section>
  );
}

/** Absent, null or empty: said in words, not shown as `null` or `{}`. */
const isNothing = (v: unknown) =>
  v === null ||
  v === undefined ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) ||
  (Array.isArray(v) && v.length === 0);

function RequestDetail({ id }: { id: string }) {
  const s = useSession();
  const r = useQuery({
    queryKey: ['request-log', s.workspace, id],
    queryFn: () => getRequestLog(s.client, id),
  });
  if (r.isError) return <ErrorNote error={r.error} />;
  if (!r.data) return <p aria-live="polite">Loading request {id}…</p>;
  const d = r.data;
  return (
    <article className="panel" aria-label={`Request ${id}`}>
      <h2>
        Request {d.id} <small className="muted">{d.unique_id}</small>
      </h2>
      {d.error_message && (
        <p className="danger" role="note">
          {d.error_message}
        </p>
      )}
      {d.bodies_omitted && (
        <p className="muted">This workspace does not store request and response bodies.</p>
      )}
      {(
        [
          ['Request', d.request],
          ['Response', d.response],
          ['Variables', d.input_variables],
          ['Metadata and scores', { metadata: d.metadata, scores: d.scores, tags: d.tags }],
        ] as const
      ).map(([title, value]) => (
        <div key={title}>
          <h3>{title}</h3>
          {isNothing(value) ? (
            <p className="muted" aria-label={title}>
              {title === 'Variables' ? 'No variables were logged.' : 'Nothing was logged.'}
            </p>
          ) : (
            <JsonBlock label={title} value={value} />
          )}
        </div>
      ))}
    </article>
  );
}
