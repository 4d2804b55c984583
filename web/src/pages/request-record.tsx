// Pieces the request-log page and the request-group page share: the prompt a record names (its name
// looked up by id, since records carry only the id), and one record in full.
import type { ReactNode } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import { getRequestLog, type RequestLogSummary } from '../api/request-log.ts';
import { ApiError } from '../api/client.ts';
import { ErrorNote, JsonBlock, LabelChip, Time } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import { DASH, formatCost, formatLatency, formatTokens, shortId } from '../lib/format.ts';

export interface PromptName {
  name: string;
  deleted: boolean;
}

/**
 * The names of the prompts these records name, by prompt id: one look-up per distinct prompt (a
 * page of records names few), cached across pages. A prompt that is gone (or was never in this
 * workspace) maps to null and is shown by its id.
 */
export function usePromptNames(ids: readonly (string | null)[]): Map<string, PromptName | null> {
  const s = useSession();
  const distinct = [...new Set(ids.filter((x): x is string => x !== null))];
  const results = useQueries({
    queries: distinct.map((id) => ({
      queryKey: ['prompt', s.workspace, '#id', id],
      queryFn: () => s.client.getPrompt(id, { includeDeleted: true }),
      staleTime: 60_000,
      retry: (n: number, e: unknown) => !(e instanceof ApiError && e.status < 500) && n < 2,
    })),
  });
  const out = new Map<string, PromptName | null>();
  distinct.forEach((id, i) => {
    const r = results[i];
    if (r?.data) out.set(id, { name: r.data.prompt.name, deleted: r.data.prompt.deleted_at !== null });
    else if (r?.isError) out.set(id, null);
  });
  return out;
}

/** The prompt, version and label of a record: the name links to the prompt at that version. */
export function PromptCell({
  r,
  names,
  wrap,
}: {
  r: Pick<RequestLogSummary, 'prompt_id' | 'version_number' | 'label'>;
  names: Map<string, PromptName | null>;
  /** Wrap a long name instead of cutting it (the record panel, which has room). */
  wrap?: boolean;
}) {
  if (!r.prompt_id) return <span className="muted">No prompt</span>;
  const p = names.get(r.prompt_id);
  const version = r.version_number === null ? null : `v${r.version_number}`;
  return (
    <span className={wrap ? 'prompt-cell wrap' : 'prompt-cell'}>
      {p ? (
        <a
          className="prompt-name"
          title={p.name}
          href={href({
            page: 'prompt',
            name: p.name,
            tab: 'versions',
            ...(r.version_number ? { version: r.version_number } : {}),
          })}
        >
          {p.name}
        </a>
      ) : p === null ? (
        <span className="muted prompt-name" title={`prompt ${r.prompt_id} (not found)`}>
          …{shortId(r.prompt_id)}
        </span>
      ) : (
        <span className="muted prompt-name">Loading…</span>
      )}
      {p?.deleted && <span className="muted"> (deleted)</span>}
      <span className="prompt-version">
        {version ?? <span className="muted">no version</span>}
        {r.label && (
          <>
            {' '}
            <LabelChip name={r.label} />
          </>
        )}
      </span>
    </span>
  );
}

/** A record's status, latency, tokens and cost: the same cells in the log and in a group. */
export function OutcomeCells({
  r,
}: {
  r: Pick<
    RequestLogSummary,
    'status' | 'status_code' | 'latency_ms' | 'input_tokens' | 'output_tokens' | 'cost_usd'
  >;
}) {
  return (
    <>
      <td className={r.status === 'error' ? 'nowrap danger' : 'nowrap'}>
        {r.status}
        {r.status_code ? ` ${r.status_code}` : ''}
      </td>
      <td className="num">{formatLatency(r.latency_ms)}</td>
      <td className="num">{formatTokens(r.input_tokens, r.output_tokens)}</td>
      <td className="num">{formatCost(r.cost_usd)}</td>
    </>
  );
}

/** A value that may be long (a model path, a customer id): one line, cut, the whole in its title. */
export function Cut({ text }: { text: string | null }) {
  if (text === null) return <span className="muted">{DASH}</span>;
  return (
    <span className="cut" title={text}>
      {text}
    </span>
  );
}

/** A link to a record's request group, or a dash. */
export function GroupLink({ id }: { id: number | null }) {
  if (id === null) return <span className="muted">{DASH}</span>;
  return <a href={href({ page: 'group', id })}>Group {id}</a>;
}

/** Absent, null or empty: said in words, not shown as `null` or `{}`. */
const isNothing = (v: unknown) =>
  v === null ||
  v === undefined ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) ||
  (Array.isArray(v) && v.length === 0);

/** Metadata, scores and tags, each only when there is some (else the block says nothing was logged). */
/** The last cell of a request row: opens and closes its record. */
export function OpenCell({ id, open, onToggle }: { id: string; open: boolean; onToggle(): void }) {
  return (
    <td>
      <button type="button" aria-expanded={open} onClick={onToggle}>
        {open ? 'Close' : 'Open'}
        {/* The id is in the name for screen readers; seen, the row says which. */}
        <span className="visually-hidden"> request {id}</span>
      </button>
    </td>
  );
}

/**
 * A request's row, and its record right under it while open: in a long table the reader stays in
 * place (below the table, the record opened out of sight).
 */
export function withDetail(row: ReactNode, id: string, open: boolean, columns: number): ReactNode[] {
  if (!open) return [row];
  return [
    row,
    <tr key={`${id}-detail`} className="detail-row">
      <td colSpan={columns}>
        <RequestDetail id={id} />
      </td>
    </tr>,
  ];
}

function extras(d: { metadata: unknown; scores: unknown; tags: string[] }): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ metadata: d.metadata, scores: d.scores, tags: d.tags }).filter(([, v]) => !isNothing(v)),
  );
}

export function RequestDetail({ id }: { id: string }) {
  const s = useSession();
  const r = useQuery({
    queryKey: ['request-log', s.workspace, id],
    queryFn: () => getRequestLog(s.client, id),
  });
  const names = usePromptNames([r.data?.prompt_id ?? null]);
  if (r.isError) return <ErrorNote error={r.error} />;
  if (!r.data) return <p aria-live="polite">Loading request {id}…</p>;
  const d = r.data;
  const facts: [string, ReactNode][] = [
    ['Time', <Time iso={d.created_at} seconds />],
    ['Prompt', <PromptCell r={d} names={names} wrap />],
    ['Group', <GroupLink id={d.group_id} />],
    ['Source', d.source],
    [
      'Model',
      d.response_model && d.response_model !== d.model
        ? `${d.model ?? DASH} → ${d.response_model}`
        : (d.model ?? DASH),
    ],
    ['Status', `${d.status}${d.status_code ? ` ${d.status_code}` : ''}`],
    ['Latency', formatLatency(d.latency_ms)],
    ['Tokens in / out', formatTokens(d.input_tokens, d.output_tokens)],
    ['Cost', formatCost(d.cost_usd)],
    ['Customer', d.customer_identifier ?? DASH],
  ];
  return (
    <article className="panel" aria-label={`Request ${id}`}>
      <h2>
        Request {d.id} <small className="muted">{d.unique_id}</small>
      </h2>
      <dl className="kv" aria-label="Summary">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
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
          ['Metadata and scores', extras(d)],
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
