// Find prompts: folder tree and breadcrumbs (from `/` in names), search over names, tags and
// template text, filters, sortable columns, and a virtualised list paged from the server so
// 10,000 prompts scroll as smoothly as 10.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ListQuery, Prompt, TemplateFormat } from '../api/client.ts';
import { useSession } from '../app.tsx';
import { breadcrumbs, folderTreeFromCounts, leafOf, type FolderNode } from '../lib/folders.ts';
import { href, navigate } from '../lib/router.ts';
import { formatPromptCount } from '../lib/format.ts';
import { Dialog, Empty, ErrorNote, Time } from '../components/ui.tsx';

const PAGE = 100;
type SortField = NonNullable<ListQuery['sort']>;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function PromptList({ folder }: { folder: string }) {
  const s = useSession();
  const [search, setSearch] = useState('');
  const [label, setLabel] = useState('');
  const [noLabel, setNoLabel] = useState('');
  const [tag, setTag] = useState('');
  const [format, setFormat] = useState<TemplateFormat | ''>('');
  const [since, setSince] = useState('');
  const [deleted, setDeleted] = useState(false);
  const [sort, setSort] = useState<{ field: SortField; order: 'asc' | 'desc' }>({
    field: 'updated_at',
    order: 'desc',
  });
  const [creating, setCreating] = useState(false);
  const q = useDebounced(search.trim(), 200);
  const filters: ListQuery & { prefix?: string } = {
    search: q || undefined,
    label: label.trim() || undefined,
    no_label: noLabel.trim() || undefined,
    tags: tag.trim() || undefined,
    template_format: format || undefined,
    updated_after: since ? new Date(`${since}T00:00:00Z`).toISOString() : undefined,
    status: deleted ? 'deleted' : undefined,
    sort: sort.field,
    order: sort.order,
    prefix: folder ? `${folder}/` : undefined,
  };

  const list = useInfiniteQuery({
    queryKey: ['prompts', s.workspace, filters],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => s.client.listPrompts({ ...filters, limit: PAGE, offset: pageParam }),
    getNextPageParam: (last) => last.pagination.next_offset ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const total = list.data?.pages[0]?.pagination.total ?? 0;
  // A broad search is counted only up to a bound: the total then reads "1,000+".
  const atLeast = list.data?.pages[0]?.pagination.total_is_lower_bound ?? false;

  // The folder tree: one small aggregate from the server, never every prompt.
  const names = useQuery({
    queryKey: ['prompt-names', s.workspace],
    queryFn: () => s.client.listFolders(),
  });
  const everything = useQuery({
    queryKey: ['prompt-count', s.workspace],
    queryFn: () => s.client.listPrompts({ limit: 1 }),
  });
  const tree = useMemo(
    () => folderTreeFromCounts(names.data?.data ?? [], everything.data?.pagination.total),
    [names.data, everything.data],
  );

  const toggleSort = (field: SortField) =>
    setSort((cur) =>
      cur.field === field
        ? { field, order: cur.order === 'asc' ? 'desc' : 'asc' }
        : { field, order: field === 'name' ? 'asc' : 'desc' },
    );

  return (
    <div className="list-page">
      <aside className="folders" aria-label="Folders">
        <h2>Folders</h2>
        <nav aria-label="Folder tree">
          <ul role="tree" aria-label="Folder tree">
            <li role="treeitem" aria-selected={folder === ''} aria-expanded>
              <a href={href({ page: 'list', folder: '' })} aria-current={folder === '' ? 'page' : undefined}>
                All prompts <span className="count">{tree.count || ''}</span>
              </a>
              {tree.children.length > 0 && <FolderBranch nodes={tree.children} current={folder} />}
            </li>
          </ul>
        </nav>
        {names.isError && <ErrorNote error={names.error} title="Folders could not load" />}
      </aside>
      <section className="list-main" aria-labelledby="list-title">
        <div className="list-head">
          <nav aria-label="Breadcrumbs" className="crumbs">
            <ol>
              {breadcrumbs(folder).map((c, i, all) => (
                <li key={c.path}>
                  {i === all.length - 1 ? (
                    <span aria-current="page">{c.name}</span>
                  ) : (
                    <a href={href({ page: 'list', folder: c.path })}>{c.name}</a>
                  )}
                </li>
              ))}
            </ol>
          </nav>
          <h1 id="list-title">{folder ? leafOf(folder) : 'Prompts'}</h1>
          <button
            type="button"
            className="primary"
            onClick={() => setCreating(true)}
            disabled={!s.canWrite}
            title={s.canWrite ? undefined : 'Viewer keys cannot create prompts'}
          >
            New prompt
          </button>
        </div>
        <div role="search" className="filters" aria-label="Search and filters">
          <label className="field grow">
            <span>Search</span>
            <input
              type="search"
              placeholder="Names, tags and template text"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Has label</span>
            <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="production" />
          </label>
          <label className="field">
            <span>Lacks label</span>
            <input value={noLabel} onChange={(e) => setNoLabel(e.target.value)} placeholder="production" />
          </label>
          <label className="field">
            <span>Tag</span>
            <input value={tag} onChange={(e) => setTag(e.target.value)} />
          </label>
          <label className="field">
            <span>Template format</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as TemplateFormat | '')}>
              <option value="">Any</option>
              <option value="mustache">mustache</option>
              <option value="jinja2">jinja2</option>
              <option value="f-string">f-string</option>
            </select>
          </label>
          <label className="field">
            <span>Updated since</span>
            <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={deleted} onChange={(e) => setDeleted(e.target.checked)} /> Deleted
            prompts
          </label>
        </div>
        <p className="muted" aria-live="polite">
          {list.isSuccess ? formatPromptCount(total, atLeast) : list.isLoading ? 'Loading…' : ''}
        </p>
        {list.isError && <ErrorNote error={list.error} />}
        <PromptTable
          rows={rows}
          total={atLeast ? null : total}
          sort={sort}
          onSort={toggleSort}
          onNeedMore={() => {
            if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
          }}
        />
        {list.isSuccess && total === 0 && (
          <Empty>
            {q || label || noLabel || tag || format || since
              ? 'No prompt matches these filters.'
              : deleted
                ? 'No deleted prompts.'
                : s.canWrite
                  ? 'No prompts here yet. Create one with “New prompt”.'
                  : 'No prompts here yet.'}
          </Empty>
        )}
      </section>
      <NewPromptDialog open={creating} onClose={() => setCreating(false)} folder={folder} />
    </div>
  );
}

function FolderBranch({ nodes, current }: { nodes: FolderNode[]; current: string }) {
  return (
    <ul role="group">
      {nodes.map((n) => (
        <li
          key={n.path}
          role="treeitem"
          aria-selected={current === n.path}
          aria-expanded={n.children.length > 0 ? true : undefined}
        >
          <a
            href={href({ page: 'list', folder: n.path })}
            aria-current={current === n.path ? 'page' : undefined}
          >
            <span className="fname" title={n.path}>
              {n.name}
            </span>{' '}
            <span className="count">{n.count}</span>
          </a>
          {n.children.length > 0 && <FolderBranch nodes={n.children} current={current} />}
        </li>
      ))}
    </ul>
  );
}

const COLUMNS: { field: SortField | null; title: string; cls: string }[] = [
  { field: 'name', title: 'Name', cls: 'c-name' },
  { field: 'latest_version', title: 'Version', cls: 'c-ver' },
  { field: null, title: 'Tags', cls: 'c-tags' },
  { field: 'updated_at', title: 'Updated', cls: 'c-time' },
  { field: 'created_at', title: 'Created', cls: 'c-time' },
];

function PromptTable({
  rows,
  total,
  sort,
  onSort,
  onNeedMore,
}: {
  rows: Prompt[];
  /** null: not known exactly (a bounded search count). */
  total: number | null;
  sort: { field: SortField; order: 'asc' | 'desc' };
  onSort: (f: SortField) => void;
  onNeedMore: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 10,
  });
  const items = v.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 20) onNeedMore();
  }, [last, rows.length, onNeedMore]);
  return (
    <div role="table" aria-label="Prompts" aria-rowcount={total === null ? -1 : total + 1} className="ptable">
      <div role="rowgroup" className="ptable-head">
        <div role="row" aria-rowindex={1} className="prow">
          {COLUMNS.map((c) => (
            <div
              role="columnheader"
              key={c.title}
              className={c.cls}
              aria-sort={
                c.field && sort.field === c.field
                  ? sort.order === 'asc'
                    ? 'ascending'
                    : 'descending'
                  : undefined
              }
            >
              {c.field ? (
                <button type="button" className="sort" onClick={() => onSort(c.field!)}>
                  {c.title}
                  <span aria-hidden="true">
                    {sort.field === c.field ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              ) : (
                c.title
              )}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" ref={scroller} className="ptable-body" data-testid="prompt-scroller">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const p = rows[it.index]!;
            return (
              <div
                role="row"
                key={p.id}
                aria-rowindex={it.index + 2}
                className="prow"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: it.size,
                  transform: `translateY(${it.start}px)`,
                }}
              >
                <div role="cell" className="c-name">
                  {/* A deleted name may be taken again: a deleted prompt is opened by its id. */}
                  <a
                    href={href({ page: 'prompt', name: p.deleted_at ? p.id : p.name, tab: 'versions' })}
                    title={p.name}
                  >
                    {p.name}
                  </a>
                  {p.is_snippet && <span className="chip chip-muted">snippet</span>}
                </div>
                <div role="cell" className="c-ver">
                  {p.latest_version ? `v${p.latest_version}` : '—'}
                </div>
                <div role="cell" className="c-tags">
                  {p.tags.map((t) => (
                    <span className="tag" key={t}>
                      {t}
                    </span>
                  ))}
                </div>
                <div role="cell" className="c-time">
                  <Time iso={p.updated_at} />
                </div>
                <div role="cell" className="c-time">
                  <Time iso={p.created_at} />
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function NewPromptDialog({ open, onClose, folder }: { open: boolean; onClose: () => void; folder: string }) {
  const s = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState(folder ? `${folder}/` : '');
  const [format, setFormat] = useState<TemplateFormat>('mustache');
  const [text, setText] = useState('');
  const [tags, setTags] = useState('');
  const [snippet, setSnippet] = useState(false);
  useEffect(() => {
    if (open) setName(folder ? `${folder}/` : '');
  }, [open, folder]);
  const create = useMutation({
    mutationFn: () =>
      s.client.createPrompt({
        name: name.trim(),
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        is_snippet: snippet,
        ...(text.trim()
          ? {
              version: snippet
                ? { template_type: 'completion', content: [{ type: 'text', text }], template_format: format }
                : {
                    template_type: 'chat',
                    messages: [{ role: 'user', content: text }],
                    template_format: format,
                  },
            }
          : {}),
      }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['prompts'] });
      void qc.invalidateQueries({ queryKey: ['prompt-names'] });
      onClose();
      navigate({ page: 'prompt', name: r.prompt.name, tab: 'versions' });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog open={open} title="New prompt" onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            placeholder="support/reply"
          />
        </label>
        <label className="field">
          <span>Template format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as TemplateFormat)}>
            <option value="mustache">mustache</option>
            <option value="jinja2">jinja2</option>
            <option value="f-string">f-string</option>
          </select>
        </label>
        <label className="field">
          <span>First message (optional)</span>
          <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field">
          <span>Tags (comma-separated)</span>
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={snippet} onChange={(e) => setSnippet(e.target.checked)} /> Snippet
          (a completion template other prompts include as @@@name@@@)
        </label>
        {create.isError && <ErrorNote error={create.error} />}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
            Create prompt
          </button>
        </div>
      </form>
    </Dialog>
  );
}
