// Request groups (PromptLayer's `pl.group.create()`, native `POST /v1/request-groups`): the list,
// newest first and paged by cursor, and one group — its facts and its requests in the order they
// happened, each openable in full.
import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import { ApiError } from '../api/client.ts';
import { getRequestGroup, listRequestGroups, listRequestLogs } from '../api/request-log.ts';
import { Empty, ErrorNote, Time } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import { formatCost, formatTokens } from '../lib/format.ts';
import { KeyRef } from '../components/key-ref.tsx';
import { Cut, OutcomeCells, PromptCell, OpenCell, withDetail, usePromptNames } from './request-record.tsx';

export function RequestGroups() {
  const s = useSession();
  const groups = useInfiniteQuery({
    queryKey: ['request-groups', s.workspace],
    queryFn: ({ pageParam }) => listRequestGroups(s.client, pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows = groups.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Request groups</h1>
      <p className="muted">
        A group ties together the requests of one piece of work (a conversation, an agent run). Groups are
        made by PromptLayer&apos;s <code>pl.group.create()</code> or <code>POST /v1/request-groups</code>, and
        requests join one by naming its id when they are logged.
      </p>
      {groups.isError && <ErrorNote error={groups.error} />}
      {groups.isLoading && <p aria-live="polite">Loading…</p>}
      {groups.isSuccess && !rows.length && <Empty>No request groups in this workspace yet.</Empty>}
      {rows.length > 0 && (
        <table className="table" aria-label="Request groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Created</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col">First request</th>
              <th scope="col">Last request</th>
              <th scope="col">Created by</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => (
              <tr key={g.id}>
                <td>
                  <a href={href({ page: 'group', id: g.id })}>Group {g.id}</a>
                </td>
                <td className="c-time">
                  <Time iso={g.created_at} />
                </td>
                <td className="num">{g.request_count}</td>
                <td className="c-time">
                  <Time iso={g.first_request_at} />
                </td>
                <td className="c-time">
                  <Time iso={g.last_request_at} />
                </td>
                <td className="ellipsis">
                  <KeyRef id={g.created_by} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {groups.hasNextPage && (
        <button
          type="button"
          onClick={() => void groups.fetchNextPage()}
          disabled={groups.isFetchingNextPage}
        >
          Older groups
        </button>
      )}
    </section>
  );
}

/** Records are read newest first (the list's keyset order) and shown oldest first. */
const PAGE = 100;

export function RequestGroupPage({ id }: { id: number }) {
  const s = useSession();
  const group = useQuery({
    queryKey: ['request-group', s.workspace, id],
    queryFn: () =>
      id > 0
        ? getRequestGroup(s.client, id)
        : Promise.reject(new ApiError(404, 'not_found', 'A request group id is a positive integer.')),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
  const logs = useInfiniteQuery({
    queryKey: ['request-logs', s.workspace, { group: String(id) }, 'group-page'],
    queryFn: ({ pageParam }) =>
      listRequestLogs(s.client, { group: String(id) }, pageParam ?? undefined, PAGE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: group.isSuccess,
  });
  const [open, setOpen] = useState<string | null>(null);
  const rows = (logs.data?.pages.flatMap((p) => p.data) ?? []).slice().reverse();
  const names = usePromptNames(rows.map((r) => r.prompt_id));

  if (group.isError)
    return (
      <section aria-labelledby="group-title">
        <h1 id="group-title">Request group {id > 0 ? id : ''}</h1>
        <ErrorNote
          error={group.error}
          title={group.error instanceof ApiError && group.error.status === 404 ? 'No such group' : undefined}
        />
        <p>
          <a href={href({ page: 'groups' })}>All request groups</a>
        </p>
      </section>
    );
  if (!group.data) return <p aria-live="polite">Loading group {id}…</p>;
  const g = group.data;
  const errors = rows.filter((r) => r.status === 'error').length;
  const sum = (f: (r: (typeof rows)[number]) => number | null) =>
    rows.reduce<number | null>((acc, r) => {
      const v = f(r);
      return v === null ? acc : (acc ?? 0) + v;
    }, null);
  return (
    <section aria-labelledby="group-title">
      <nav aria-label="Breadcrumbs" className="crumbs">
        <ol>
          <li>
            <a href={href({ page: 'groups' })}>Request groups</a>
          </li>
          <li aria-current="page">Group {g.id}</li>
        </ol>
      </nav>
      <h1 id="group-title">Request group {g.id}</h1>
      <dl className="kv" aria-label="Group">
        <div>
          <dt>Created</dt>
          <dd>
            <Time iso={g.created_at} />
          </dd>
        </div>
        <div>
          <dt>Created by</dt>
          <dd>
            <KeyRef id={g.created_by} />
          </dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{g.request_count}</dd>
        </div>
        <div>
          <dt>First request</dt>
          <dd>
            <Time iso={g.first_request_at} />
          </dd>
        </div>
        <div>
          <dt>Last request</dt>
          <dd>
            <Time iso={g.last_request_at} />
          </dd>
        </div>
        {rows.length > 0 && (
          <div>
            <dt>{rows.length === g.request_count ? 'Altogether' : `The ${rows.length} shown`}</dt>
            <dd>
              {errors} {errors === 1 ? 'error' : 'errors'}, tokens{' '}
              {formatTokens(
                sum((r) => r.input_tokens),
                sum((r) => r.output_tokens),
              )}
              , cost {formatCost(sum((r) => r.cost_usd))}
            </dd>
          </div>
        )}
      </dl>
      <p>
        <a href={href({ page: 'logs', group: g.id })}>Filter the request log by this group</a>
      </p>
      {logs.isError && <ErrorNote error={logs.error} />}
      {logs.isLoading && <p aria-live="polite">Loading requests…</p>}
      {logs.isSuccess && !rows.length && (
        <Empty>
          No requests in this group{g.request_count ? ' are left (retention has dropped them)' : ' yet'}.
        </Empty>
      )}
      {logs.hasNextPage && (
        <button type="button" onClick={() => void logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
          Earlier requests
        </button>
      )}
      {rows.length > 0 && (
        <table className="table log-table" aria-label={`Requests of group ${g.id}, oldest first`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
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
                  <td>
                    <PromptCell r={r} names={names} />
                  </td>
                  <td>
                    <Cut text={r.model} />
                  </td>
                  <OutcomeCells r={r} />
                  <OpenCell
                    id={r.id}
                    open={open === r.id}
                    onToggle={() => setOpen(open === r.id ? null : r.id)}
                  />
                </tr>
              );
              return withDetail(row, r.id, open === r.id, 8);
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
