// The request-log page: every logged run of the workspace, filtered (prompt, version, status,
// source, model, customer, request group, time), newest first, pages by cursor; a row opens the
// record with its full request and response.
import { useState, type FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import { listRequestLogs, oneOf, SOURCES, STATUSES, type LogFilters } from '../api/request-log.ts';
import { Empty, ErrorNote, Time } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import {
  Cut,
  GroupLink,
  OutcomeCells,
  PromptCell,
  OpenCell,
  withDetail,
  usePromptNames,
} from './request-record.tsx';

function initialFilters(): LogFilters {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const f: LogFilters = {};
  for (const k of ['prompt', 'version', 'model', 'customer', 'group'] as const) {
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
  const filtered = Object.keys(filters).length > 0 || Object.values(draft).some(Boolean);
  const clear = () => {
    setDraft({});
    setFilters({});
    setOpen(null);
  };
  const field = (
    k: 'prompt' | 'version' | 'model' | 'customer' | 'group' | 'since' | 'until',
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
  const names = usePromptNames(rows.map((r) => r.prompt_id));
  const group = filters.group ? Number(filters.group) : null;
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
        {field('group', 'Group', 'number')}
        {field('since', 'From', 'datetime-local')}
        {field('until', 'To', 'datetime-local')}
        <div className="filter-buttons">
          <button type="submit">Apply filters</button>
          {filtered && (
            <button type="button" onClick={clear}>
              Clear filters
            </button>
          )}
        </div>
      </form>
      {group !== null && Number.isSafeInteger(group) && group > 0 && (
        <p>
          Showing the requests of group {group}.{' '}
          <a href={href({ page: 'group', id: group })}>Open group {group}</a>
        </p>
      )}
      {logs.isError && <ErrorNote error={logs.error} />}
      {logs.isLoading && <p aria-live="polite">Loading…</p>}
      {logs.isSuccess &&
        !rows.length &&
        (Object.keys(filters).length ? (
          <Empty>No logged requests match.</Empty>
        ) : (
          <Empty>
            No requests have been logged in this workspace yet. Runs through the gateway and the logging APIs
            (PromptLayer, Keywords AI, <code>POST /v1/request-logs</code>) appear here.
          </Empty>
        ))}
      {rows.length > 0 && (
        <table className="table log-table" aria-label="Logged requests">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Source</th>
              <th scope="col">Prompt and version</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Latency
              </th>
              <th scope="col" className="num">
                Tokens in / out
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col">Customer</th>
              <th scope="col">Group</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((r) => {
              const row = (
                <tr key={r.id} aria-selected={open === r.id}>
                  <td className="c-time">
                    <Time iso={r.created_at} seconds />
                  </td>
                  <td className="nowrap">{r.source}</td>
                  <td>
                    <PromptCell r={r} names={names} />
                  </td>
                  <td>
                    <Cut text={r.model} />
                  </td>
                  <OutcomeCells r={r} />
                  <td>
                    <Cut text={r.customer_identifier} />
                  </td>
                  <td className="nowrap">
                    <GroupLink id={r.group_id} />
                  </td>
                  <OpenCell
                    id={r.id}
                    open={open === r.id}
                    onToggle={() => setOpen(open === r.id ? null : r.id)}
                  />
                </tr>
              );
              return withDetail(row, r.id, open === r.id, 11);
            })}
          </tbody>
        </table>
      )}
      {logs.hasNextPage && (
        <button type="button" onClick={() => void logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
          Older requests
        </button>
      )}
    </section>
  );
}
