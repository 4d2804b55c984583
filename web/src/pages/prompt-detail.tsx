// One prompt: its version timeline and any version's structured view, compare, edit (into a new
// version or the draft), preview with the server's renderer, release (labels with their history
// and rollback), copy-to-use snippets, delete and restore, and where a snippet is used.
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Label, LabelMove, Prompt, Version } from '../api/client.ts';
import { useSession } from '../app.tsx';
import { breadcrumbs, folderOf, leafOf } from '../lib/folders.ts';
import { href, navigate } from '../lib/router.ts';
import { ConfirmDialog, Dialog, Empty, ErrorNote, LabelChip, Time } from '../components/ui.tsx';
import { VersionView, writtenThrough } from './version-view.tsx';
import { CompareView } from './compare.tsx';
import { EditView, type DraftState } from './edit.tsx';
import { PreviewView } from './preview.tsx';
import { UseView } from './use.tsx';
import { DiffView } from './diff-view.tsx';
import { UsageView } from './usage.tsx';
import { KeyRef } from '../components/key-ref.tsx';

const TABS = [
  ['versions', 'Versions'],
  ['compare', 'Compare'],
  ['edit', 'Edit'],
  ['preview', 'Preview'],
  ['release', 'Release'],
  ['use', 'Use'],
  ['usage', 'Usage'],
] as const;

export function PromptDetail({ name, tab, version }: { name: string; tab: string; version?: number }) {
  const s = useSession();
  const qc = useQueryClient();
  const prompt = useQuery({
    queryKey: ['prompt', s.workspace, name],
    queryFn: () => s.client.getPrompt(name, { includeDeleted: true }),
  });
  const p = prompt.data?.prompt;
  const ref = p?.id ?? name;
  const versions = useQuery({
    queryKey: ['versions', s.workspace, p?.id],
    queryFn: () => s.client.listVersions(ref),
    enabled: !!p && !p.deleted_at,
  });
  // The editor's unsaved content lives here, so Compare and Preview can use it too.
  const [draft, setDraft] = useState<DraftState | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: ['prompt', s.workspace] });
    void qc.invalidateQueries({ queryKey: ['versions', s.workspace] });
    void qc.invalidateQueries({ queryKey: ['labels', s.workspace] });
    void qc.invalidateQueries({ queryKey: ['label-history', s.workspace] });
    void qc.invalidateQueries({ queryKey: ['prompts'] });
    void qc.invalidateQueries({ queryKey: ['prompt-names'] });
  };
  const del = useMutation({
    mutationFn: () => s.client.deletePrompt(ref),
    onSuccess: () => {
      setConfirmDelete(false);
      invalidate();
    },
  });
  const restore = useMutation({ mutationFn: () => s.client.restorePrompt(ref), onSuccess: invalidate });

  if (prompt.isLoading) return <p aria-live="polite">Loading…</p>;
  if (prompt.isError || !p) return <ErrorNote error={prompt.error} title={`Prompt ${name} could not load`} />;
  const list = versions.data?.data ?? [];
  const labels = prompt.data!.labels;
  const selected = list.find((v) => v.number === version) ?? list[0];
  const go = (t: string, v?: number) =>
    navigate({ page: 'prompt', name, tab: t, version: v ?? selected?.number });
  const folder = folderOf(p.name);

  return (
    <article className="detail" aria-labelledby="prompt-title">
      <nav aria-label="Breadcrumbs" className="crumbs">
        <ol>
          {breadcrumbs(folder).map((c) => (
            <li key={c.path}>
              <a href={href({ page: 'list', folder: c.path })}>{c.name}</a>
            </li>
          ))}
          <li>
            <span aria-current="page">{leafOf(p.name)}</span>
          </li>
        </ol>
      </nav>
      <header className="detail-head">
        <div className="detail-title">
          <h1 id="prompt-title" title={p.name}>
            {p.name}
          </h1>
          <div className="meta">
            {p.is_snippet && <span className="chip chip-muted">snippet</span>}
            <span className="chip chip-muted">{p.kind}</span>
            {p.tags.map((t) => (
              <span className="tag" key={t}>
                {t}
              </span>
            ))}
            {labels.map((l) => (
              <span key={l.name} title={`${l.name} → v${l.version}`}>
                <LabelChip name={`${l.name} → v${l.version}`} />
              </span>
            ))}
          </div>
          {p.description && <p className="muted">{p.description}</p>}
        </div>
        <div className="actions">
          {p.deleted_at ? (
            <button
              type="button"
              className="primary"
              disabled={!s.canWrite || restore.isPending}
              onClick={() => restore.mutate()}
            >
              Restore prompt
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={!s.canWrite}
              onClick={() => setConfirmDelete(true)}
            >
              Delete prompt
            </button>
          )}
        </div>
      </header>
      {restore.isError && <ErrorNote error={restore.error} />}
      {p.deleted_at ? (
        <div role="status" className="banner">
          This prompt was deleted on <Time iso={p.deleted_at} />. Restore it to see and use its versions
          again.
        </div>
      ) : (
        <>
          {p.is_snippet && <SnippetUsage name={p.name} />}
          <div role="tablist" aria-label="Prompt views" className="tabs">
            {TABS.map(([id, title]) => (
              <a
                key={id}
                role="tab"
                href={href({ page: 'prompt', name, tab: id, version: selected?.number })}
                aria-selected={tab === id}
                id={`tab-${id}`}
                aria-controls="tabpanel"
              >
                {title}
              </a>
            ))}
          </div>
          <div role="tabpanel" id="tabpanel" aria-labelledby={`tab-${tab}`} className="tabpanel">
            {versions.isError && <ErrorNote error={versions.error} />}
            {versions.isLoading && <p>Loading versions…</p>}
            {versions.isSuccess && tab === 'versions' && (
              <div className="two-pane">
                <Timeline versions={list} selected={selected?.number} onSelect={(n) => go('versions', n)} />
                {selected ? (
                  <VersionView version={selected} />
                ) : (
                  <Empty>
                    This prompt has no version yet.{' '}
                    {s.canWrite && (
                      <a href={href({ page: 'prompt', name, tab: 'edit' })}>Write the first one.</a>
                    )}
                  </Empty>
                )}
              </div>
            )}
            {versions.isSuccess && tab === 'compare' && <CompareView versions={list} draft={draft} />}
            {versions.isSuccess && tab === 'edit' && (
              <EditView
                prompt={p}
                versions={list}
                base={selected}
                draft={draft}
                onDraft={setDraft}
                onSaved={(v) => {
                  setDraft(null);
                  invalidate();
                  navigate({ page: 'prompt', name, tab: 'versions', version: v.number });
                }}
              />
            )}
            {versions.isSuccess && tab === 'preview' && (
              <PreviewView prompt={p} versions={list} selected={selected} draft={draft} />
            )}
            {versions.isSuccess && tab === 'release' && (
              <ReleaseView prompt={p} versions={list} labels={labels} onChanged={invalidate} />
            )}
            {tab === 'use' && <UseView prompt={p} labels={labels} />}
            {tab === 'usage' && <UsageView name={p.name} labels={labels.map((l) => l.name)} />}
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete prompt"
        onClose={() => setConfirmDelete(false)}
        confirmLabel="Delete"
        onConfirm={() => del.mutate()}
        pending={del.isPending}
        error={del.isError ? del.error : null}
      >
        <p>
          Delete <strong>{p.name}</strong>? Applications fetching it will get “not found”. It can be restored
          later.
        </p>
      </ConfirmDialog>
    </article>
  );
}

function Timeline({
  versions,
  selected,
  onSelect,
}: {
  versions: Version[];
  selected?: number;
  onSelect: (n: number) => void;
}) {
  if (!versions.length) return <Empty>No versions.</Empty>;
  return (
    <ol className="timeline" aria-label="Version timeline">
      {versions.map((v) => (
        <li key={v.id}>
          <button
            type="button"
            className={`tl-item${v.number === selected ? ' selected' : ''}`}
            aria-current={v.number === selected ? 'true' : undefined}
            aria-label={`Version ${v.number}${v.status === 'draft' ? ' (draft)' : ''}${v.commit_message ? `: ${v.commit_message}` : ''}`}
            onClick={() => onSelect(v.number)}
          >
            <span className="tl-top">
              <strong>v{v.number}</strong>
              <span className={`status status-${v.status}`}>
                {v.status === 'draft' ? 'draft' : 'committed'}
              </span>
              {v.labels.map((l) => (
                <LabelChip key={l} name={l} />
              ))}
            </span>
            <span className="tl-msg">{v.commit_message || <em className="muted">no commit message</em>}</span>
            <span className="tl-meta muted">
              <Time iso={v.created_at} /> · <KeyRef id={v.author} none="unknown author" /> ·{' '}
              {writtenThrough(v)}
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** Snippets show where they are used: prompts whose latest template text references `@@@name`. */
function SnippetUsage({ name }: { name: string }) {
  const s = useSession();
  const q = useQuery({
    queryKey: ['snippet-usage', s.workspace, name],
    queryFn: () => s.client.listPrompts({ search: `@@@${name}`, limit: 100 }),
  });
  const users = (q.data?.data ?? []).filter((p) => p.name !== name);
  return (
    <section className="card usage" aria-labelledby="usage-title">
      <h2 id="usage-title">Used by</h2>
      {q.isError && <ErrorNote error={q.error} />}
      {q.isSuccess && users.length === 0 && <p className="muted">No prompt includes this snippet yet.</p>}
      <ul>
        {users.map((u) => (
          <li key={u.id}>
            <a href={href({ page: 'prompt', name: u.name, tab: 'versions' })}>{u.name}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReleaseView({
  prompt,
  versions,
  labels,
  onChanged,
}: {
  prompt: Prompt;
  versions: Version[];
  labels: Label[];
  onChanged: () => void;
}) {
  const s = useSession();
  const history = useQuery({
    queryKey: ['label-history', s.workspace, prompt.id],
    queryFn: () => s.client.labelHistory(prompt.id),
  });
  const [plan, setPlan] = useState<{
    label: string;
    to: number | null;
    reason: 'move' | 'remove' | 'rollback';
  } | null>(null);
  const [newLabel, setNewLabel] = useState('');
  const [newVersion, setNewVersion] = useState<number | ''>('');
  const committed = versions.filter((v) => v.status === 'committed' || true);
  return (
    <div className="release">
      <section aria-labelledby="labels-title" className="card">
        <h2 id="labels-title">Labels</h2>
        {labels.length === 0 && <p className="muted">No labels yet. Put one on a version below.</p>}
        {labels.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Labels and the versions they point at</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Points at</th>
                <th scope="col">Move to</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {labels.map((l) => (
                <LabelRow
                  key={l.name}
                  label={l}
                  versions={committed}
                  onMove={(to) => setPlan({ label: l.name, to, reason: 'move' })}
                  onRemove={() => setPlan({ label: l.name, to: null, reason: 'remove' })}
                />
              ))}
            </tbody>
          </table>
        )}
        <form
          className="inline-form"
          aria-label="Add a label"
          onSubmit={(e) => {
            e.preventDefault();
            if (newLabel.trim() && newVersion)
              setPlan({ label: newLabel.trim(), to: Number(newVersion), reason: 'move' });
          }}
        >
          <label className="field">
            <span>New label</span>
            <input value={newLabel} onChange={(e) => setNewLabel(e.target.value)} placeholder="staging" />
          </label>
          <label className="field">
            <span>On version</span>
            <select
              value={newVersion}
              onChange={(e) => setNewVersion(e.target.value ? Number(e.target.value) : '')}
            >
              <option value="">Choose…</option>
              {committed.map((v) => (
                <option key={v.number} value={v.number}>
                  v{v.number}
                  {v.status === 'draft' ? ' (draft)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!s.canWrite || !newLabel.trim() || !newVersion}>
            Add label
          </button>
        </form>
      </section>
      <section aria-labelledby="history-title" className="card">
        <h2 id="history-title">Label history</h2>
        {history.isError && <ErrorNote error={history.error} />}
        {history.isSuccess && history.data.data.length === 0 && (
          <p className="muted">No label has moved yet.</p>
        )}
        {history.isSuccess && history.data.data.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Every label move, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Label</th>
                <th scope="col">From → to</th>
                <th scope="col">Who</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {history.data.data.map((m) => (
                <HistoryRow
                  key={m.id}
                  move={m}
                  current={labels.find((l) => l.name === m.label)?.version ?? null}
                  onRollback={(to) => setPlan({ label: m.label, to, reason: 'rollback' })}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {plan && (
        <LabelConfirm
          prompt={prompt}
          plan={plan}
          versions={versions}
          current={labels.find((l) => l.name === plan.label)?.version ?? null}
          onClose={() => setPlan(null)}
          onDone={() => {
            setPlan(null);
            setNewLabel('');
            setNewVersion('');
            onChanged();
          }}
        />
      )}
    </div>
  );
}

function LabelRow({
  label,
  versions,
  onMove,
  onRemove,
}: {
  label: Label;
  versions: Version[];
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const s = useSession();
  const [to, setTo] = useState<number | ''>('');
  return (
    <tr>
      <th scope="row">
        <LabelChip name={label.name} />
      </th>
      <td>v{label.version}</td>
      <td>
        <select
          aria-label={`New version for ${label.name}`}
          value={to}
          onChange={(e) => setTo(e.target.value ? Number(e.target.value) : '')}
          disabled={!s.canWrite}
        >
          <option value="">Choose…</option>
          {versions
            .filter((v) => v.number !== label.version)
            .map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
                {v.status === 'draft' ? ' (draft)' : ''}
              </option>
            ))}
        </select>
      </td>
      <td className="row-actions">
        <button
          type="button"
          disabled={!s.canWrite || !to}
          onClick={() => to && onMove(to)}
          aria-label={`Move label ${label.name}`}
        >
          Move label
        </button>
        <button
          type="button"
          className="danger"
          disabled={!s.canWrite}
          onClick={onRemove}
          aria-label={`Remove label ${label.name}`}
        >
          Remove label
        </button>
      </td>
    </tr>
  );
}

function HistoryRow({
  move,
  current,
  onRollback,
}: {
  move: LabelMove;
  current: number | null;
  onRollback: (to: number) => void;
}) {
  const s = useSession();
  const from = move.from_version;
  // Rolling back a move points the label again at the version it left.
  const can = from !== null && from !== current;
  return (
    <tr>
      <td>
        <Time iso={move.at} />
      </td>
      <td>
        <LabelChip name={move.label} />
      </td>
      <td>
        {from === null ? 'new' : `v${from}`} → {move.to_version === null ? 'removed' : `v${move.to_version}`}
      </td>
      <td>
        <KeyRef id={move.actor} />
      </td>
      <td>
        {can && (
          <button
            type="button"
            disabled={!s.canWrite}
            onClick={() => onRollback(from!)}
            aria-label={`Roll back ${move.label} to v${from}`}
          >
            Roll back
          </button>
        )}
      </td>
    </tr>
  );
}

function LabelConfirm({
  prompt,
  plan,
  versions,
  current,
  onClose,
  onDone,
}: {
  prompt: Prompt;
  plan: { label: string; to: number | null; reason: 'move' | 'remove' | 'rollback' };
  versions: Version[];
  current: number | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const s = useSession();
  const act = useMutation({
    mutationFn: () =>
      plan.to === null
        ? s.client.deleteLabel(prompt.id, plan.label)
        : s.client.setLabel(prompt.id, plan.label, plan.to),
    onSuccess: onDone,
  });
  const cur = versions.find((v) => v.number === current);
  const next = versions.find((v) => v.number === plan.to);
  const title =
    plan.reason === 'remove'
      ? `Remove label ${plan.label}`
      : plan.reason === 'rollback'
        ? `Roll back ${plan.label}`
        : current === null
          ? `Add label ${plan.label}`
          : `Move label ${plan.label}`;
  const action =
    plan.reason === 'remove'
      ? 'Remove label'
      : plan.reason === 'rollback'
        ? 'Roll back'
        : current === null
          ? 'Add label'
          : 'Move label';
  return (
    <Dialog open title={title} onClose={onClose} wide>
      <p>
        <LabelChip name={plan.label} /> points at{' '}
        <strong>{current === null ? 'nothing yet' : `v${current}`}</strong>
        {plan.to === null ? (
          <> and will be removed: applications asking for it will get “not found”.</>
        ) : (
          <>
            {' '}
            and will point at <strong>v{plan.to}</strong>.
          </>
        )}
      </p>
      {cur && next && (
        <DiffView a={cur} b={next} aTitle={`v${cur.number} (now)`} bTitle={`v${next.number} (after)`} />
      )}
      {act.isError && <ErrorNote error={act.error} />}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={plan.to === null ? 'danger' : 'primary'}
          onClick={() => act.mutate()}
          disabled={act.isPending}
        >
          {`Confirm: ${action}`}
        </button>
      </div>
    </Dialog>
  );
}

export function useVersionsByNumber(versions: Version[]) {
  return useMemo(() => new Map(versions.map((v) => [v.number, v])), [versions]);
}
