// Preview: render any version (or the unsaved editor content) on the server with variables the
// user types, pre-filled from the version's defaults; shows the rendered messages or the error.
import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { Message, Prompt, Version } from '../api/client.ts';
import { useSession } from '../app.tsx';
import { messageText } from '../lib/diff-model.ts';
import { valueText, variablesFromInputs } from '../lib/variables.ts';
import { Empty, ErrorNote } from '../components/ui.tsx';
import type { DraftState } from './edit.tsx';

const EDITOR = 'editor';

export function PreviewView({
  prompt,
  versions,
  selected,
  draft,
}: {
  prompt: Prompt;
  versions: Version[];
  selected: Version | undefined;
  draft: DraftState | null;
}) {
  const s = useSession();
  const [source, setSource] = useState<string>(draft ? EDITOR : String(selected?.number ?? ''));
  const version = versions.find((v) => String(v.number) === source);
  const names = source === EDITOR ? (draft?.variables ?? []) : (version?.input_variables ?? []);
  const defaults =
    (source === EDITOR
      ? versions.find((v) => v.number === draft?.baseNumber)?.variable_defaults
      : version?.variable_defaults) ?? {};
  const [inputs, setInputs] = useState<Record<string, string>>({});
  useEffect(() => {
    setInputs(Object.fromEntries(names.map((n) => [n, valueText(defaults[n])])));
    // Re-fill when the source changes.
  }, [source, names.join('\u0000')]);
  const render = useMutation({
    mutationFn: async () => {
      const vars = variablesFromInputs(inputs);
      if (source === EDITOR && draft) {
        const c = draft.content;
        const r =
          draft.type === 'chat'
            ? await s.client.renderStateless(draft.format, { messages: c.messages as Message[] }, vars)
            : await s.client.renderStateless(draft.format, { template: draft.blocks[0]?.text ?? '' }, vars);
        return { messages: r.messages ?? null, output: r.output, missing: r.missing ?? [] };
      }
      const r = await s.client.renderVersion(prompt.id, version!.number, vars);
      return {
        messages: r.messages ?? null,
        output: r.content ? (r.content as unknown[]).map(messageText).join('\n') : undefined,
        missing: r.missing ?? [],
      };
    },
  });
  if (!versions.length && !draft) return <Empty>Nothing to preview yet: write a version first.</Empty>;
  return (
    <div className="two-pane preview">
      <form
        className="stack"
        aria-label="Preview variables"
        onSubmit={(e) => {
          e.preventDefault();
          render.mutate();
        }}
      >
        <label className="field">
          <span>Render</span>
          <select value={source} onChange={(e) => setSource(e.target.value)}>
            {draft && <option value={EDITOR}>Unsaved edit in the editor</option>}
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number}
                {v.status === 'draft' ? ' (draft)' : ''}
              </option>
            ))}
          </select>
        </label>
        {names.length === 0 && <p className="muted">This template reads no variables.</p>}
        {names.map((n) => (
          <label className="field" key={n}>
            <span>
              <code>{n}</code>
            </span>
            <textarea
              rows={2}
              value={inputs[n] ?? ''}
              onChange={(e) => setInputs({ ...inputs, [n]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit" className="primary" disabled={render.isPending}>
          Render preview
        </button>
      </form>
      <section aria-label="Rendered output" aria-live="polite" className="stack">
        {render.isError && <ErrorNote error={render.error} title="Render failed" />}
        {render.isSuccess && (
          <>
            {render.data.missing.length > 0 && (
              <p className="banner">Rendered empty (no value given): {render.data.missing.join(', ')}</p>
            )}
            {render.data.messages ? (
              <ol className="messages" aria-label="Rendered messages">
                {render.data.messages.map((m, i) => (
                  <li key={i} className="message">
                    <span className="role">{m.role}</span>
                    <pre className="text" tabIndex={0} aria-label={`Rendered message ${i + 1} (${m.role})`}>
                      {messageText(m.content)}
                    </pre>
                  </li>
                ))}
              </ol>
            ) : (
              <pre className="text" tabIndex={0} aria-label="Rendered text">
                {render.data.output}
              </pre>
            )}
          </>
        )}
        {render.isIdle && <p className="muted">Type values and press “Render preview”.</p>}
      </section>
    </div>
  );
}
