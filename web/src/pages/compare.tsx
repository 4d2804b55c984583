// Compare any two versions, or a version with the draft being edited (unsaved editor content).
import { useState } from 'react';
import type { Version } from '../api/client.ts';
import type { DraftState } from './edit.tsx';
import { DiffView } from './diff-view.tsx';
import { Empty } from '../components/ui.tsx';

const EDITOR = 'editor';

export function CompareView({ versions, draft }: { versions: Version[]; draft: DraftState | null }) {
  const [a, setA] = useState<string>(String(versions[1]?.number ?? versions[0]?.number ?? ''));
  const [b, setB] = useState<string>(draft ? EDITOR : String(versions[0]?.number ?? ''));
  if (!versions.length) return <Empty>Nothing to compare yet.</Empty>;
  const pick = (k: string) => (k === EDITOR ? draft?.content : versions.find((v) => String(v.number) === k));
  const title = (k: string) => (k === EDITOR ? 'unsaved edit' : `v${k}`);
  const va = pick(a);
  const vb = pick(b);
  const options = (
    <>
      {versions.map((v) => (
        <option key={v.number} value={v.number}>
          v{v.number}
          {v.status === 'draft' ? ' (draft)' : ''}
          {v.commit_message ? ` — ${v.commit_message.slice(0, 40)}` : ''}
        </option>
      ))}
      {draft && <option value={EDITOR}>Unsaved edit in the editor</option>}
    </>
  );
  return (
    <div className="stack">
      <div className="inline-form">
        <label className="field">
          <span>From</span>
          <select value={a} onChange={(e) => setA(e.target.value)}>
            {options}
          </select>
        </label>
        <label className="field">
          <span>To</span>
          <select value={b} onChange={(e) => setB(e.target.value)}>
            {options}
          </select>
        </label>
      </div>
      {va && vb ? (
        <DiffView a={va} b={vb} aTitle={title(a)} bTitle={title(b)} />
      ) : (
        <Empty>Choose two versions.</Empty>
      )}
    </div>
  );
}
