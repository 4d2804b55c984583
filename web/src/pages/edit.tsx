// Write: edit a version's content into a new version or into the draft. The template editor
// highlights the template format; the server's renderer extracts the variables live and reports
// syntax errors at their line and column before anything is saved; saving shows a diff review.
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  ApiError,
  type Message,
  type Prompt,
  type TemplateFormat,
  type Version,
  type VersionBody,
} from '../api/client.ts';
import { useSession } from '../app.tsx';
import type { Comparable } from '../lib/diff-model.ts';
import { messageText } from '../lib/diff-model.ts';
import { variableRows } from '../lib/variables.ts';
import { jsonText, parseJsonField } from '../lib/json-fields.ts';
import { CodeEditor, type TemplateIssue } from '../components/code-editor.tsx';
import { Dialog, ErrorNote } from '../components/ui.tsx';
import { DiffView } from './diff-view.tsx';

export interface DraftState {
  baseNumber: number | null;
  format: TemplateFormat;
  type: 'chat' | 'completion';
  blocks: { role: string; text: string }[];
  model: string;
  paramsText: string;
  /** The JSON fields, as the user typed them (lib/json-fields.ts parses and checks them). */
  toolsText: string;
  toolChoiceText: string;
  responseFormatText: string;
  commitMessage: string;
  /** The content as a version, for Compare and Preview. */
  content: Comparable;
  variables: string[];
}

function fromVersion(p: Prompt, v: Version | undefined): DraftState {
  const type = v?.template_type ?? (p.is_snippet ? 'completion' : p.kind);
  const blocks =
    type === 'completion'
      ? [{ role: 'completion', text: (v?.content ?? []).map(messageText).join('\n') }]
      : v?.messages.length
        ? v.messages.map((m) => ({ role: m.role, text: messageText(m.content) }))
        : [{ role: 'user', text: '' }];
  return withContent(
    {
      baseNumber: v?.number ?? null,
      format: v?.template_format ?? 'mustache',
      type,
      blocks,
      model: v?.model ?? '',
      paramsText: v && Object.keys(v.params ?? {}).length ? JSON.stringify(v.params, null, 2) : '',
      toolsText: jsonText(v?.tools),
      toolChoiceText: jsonText(v?.tool_choice),
      responseFormatText: jsonText(v?.response_format),
      commitMessage: '',
      variables: v?.input_variables ?? [],
      content: null as unknown as Comparable,
    },
    v,
  );
}

function parseParams(t: string): Record<string, unknown> | Error {
  if (!t.trim()) return {};
  try {
    const x = JSON.parse(t);
    if (!x || typeof x !== 'object' || Array.isArray(x)) return new Error('Parameters must be a JSON object');
    return x as Record<string, unknown>;
  } catch (e) {
    return new Error(`Parameters are not valid JSON: ${(e as Error).message}`);
  }
}

/** The JSON fields of the editor: what each holds, its label, and where its text lives. */
export const JSON_FIELDS = [
  {
    key: 'tools',
    text: 'toolsText',
    kind: 'array',
    label: 'Tools',
    hint: 'a JSON array of tool definitions',
  },
  {
    key: 'tool_choice',
    text: 'toolChoiceText',
    kind: 'any',
    label: 'Tool choice',
    hint: '"auto", "none", or an object',
  },
  {
    key: 'response_format',
    text: 'responseFormatText',
    kind: 'object',
    label: 'Response format',
    hint: 'a JSON object, e.g. {"type": "json_schema", …}',
  },
] as const;

function jsonFields(d: DraftState) {
  return JSON_FIELDS.map((f) => ({ ...f, result: parseJsonField(d[f.text], f.kind, f.label) }));
}

function withContent(d: DraftState, base?: Version): DraftState {
  const params = parseParams(d.paramsText);
  // A field that does not parse keeps the base's value in the diff until it does.
  const fields = Object.fromEntries(
    jsonFields(d).map((f) => [f.key, f.result.ok ? f.result.value : (base?.[f.key] ?? null)]),
  );
  const messages: Message[] =
    d.type === 'chat'
      ? d.blocks.map((b, i) => {
          // Keep whatever else the base message carried (names, tool calls): only text is edited here.
          const orig = base?.messages[i];
          return orig &&
            orig.role === b.role &&
            typeof orig.content !== 'string' &&
            messageText(orig.content) === b.text
            ? orig
            : { ...(orig && orig.role === b.role ? orig : {}), role: b.role, content: b.text };
        })
      : [];
  return {
    ...d,
    content: {
      ...(base ?? {}),
      template_type: d.type,
      messages,
      content: d.type === 'completion' ? [{ type: 'text', text: d.blocks[0]?.text ?? '' }] : null,
      template_format: d.format,
      input_variables: d.variables,
      model: d.model.trim() || null,
      params: params instanceof Error ? (base?.params ?? {}) : params,
      tools: fields.tools as unknown[] | null,
      tool_choice: fields.tool_choice,
      response_format: fields.response_format as Record<string, unknown> | null,
    },
  };
}

function bodyOf(d: DraftState): VersionBody {
  const c = d.content;
  return {
    template_type: d.type,
    ...(d.type === 'chat' ? { messages: c.messages as Message[] } : { content: c.content }),
    template_format: d.format,
    model: c.model ?? null,
    params: c.params ?? {},
    tools: c.tools ?? null,
    tool_choice: c.tool_choice ?? null,
    response_format: c.response_format ?? null,
    commit_message: d.commitMessage.trim() || null,
  };
}

/** Debounced server-side check of every block: the variables it reads, or its syntax error. */
function useTemplateCheck(format: TemplateFormat, texts: string[]) {
  const s = useSession();
  const [debounced, setDebounced] = useState(texts);
  const key = JSON.stringify(texts);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(JSON.parse(key) as string[]), 300);
    return () => clearTimeout(t);
  }, [key]);
  return useQuery({
    queryKey: ['template-check', format, debounced],
    queryFn: () =>
      Promise.all(
        debounced.map(async (text) => {
          try {
            const r = await s.client.renderStateless(format, { template: text }, {});
            return {
              variables: (r.variables as string[] | undefined) ?? [],
              issue: null as TemplateIssue | null,
            };
          } catch (e) {
            if (e instanceof ApiError && e.status === 422) {
              const pos = e.details.position as { line?: number; column?: number } | undefined;
              return { variables: [], issue: { message: e.message, line: pos?.line, column: pos?.column } };
            }
            throw e;
          }
        }),
      ),
    placeholderData: (prev) => prev,
    staleTime: Infinity,
  });
}

export function EditView({
  prompt,
  versions,
  base,
  draft,
  onDraft,
  onSaved,
}: {
  prompt: Prompt;
  versions: Version[];
  base: Version | undefined;
  draft: DraftState | null;
  onDraft: (d: DraftState | null) => void;
  onSaved: (v: Version) => void;
}) {
  const s = useSession();
  const baseVersion = draft ? versions.find((v) => v.number === draft.baseNumber) : base;
  const d = draft ?? fromVersion(prompt, base);
  const latest = versions[0];
  const editingDraft = latest?.status === 'draft' && baseVersion?.number === latest.number;
  const update = (patch: Partial<DraftState>) => onDraft(withContent({ ...d, ...patch }, baseVersion));
  const check = useTemplateCheck(
    d.format,
    d.blocks.map((b) => b.text),
  );
  const results = check.data ?? [];
  const extracted = useMemo(() => [...new Set(results.flatMap((r) => r.variables))], [results]);
  const extractedKey = JSON.stringify(extracted);
  const hasCheck = !!check.data;
  // Only when the server's answer changes (the draft then carries the variables for Compare).
  useEffect(() => {
    if (hasCheck && extractedKey !== JSON.stringify(d.variables))
      update({ variables: JSON.parse(extractedKey) });
  }, [extractedKey, hasCheck]);
  const issues = results.map((r) => r.issue);
  const firstIssue = issues.findIndex((i) => i);
  const params = parseParams(d.paramsText);
  const [reviewing, setReviewing] = useState<'version' | 'draft' | null>(null);

  const save = useMutation({
    mutationFn: async (mode: 'version' | 'draft'): Promise<Version> => {
      const body = bodyOf(d);
      if (editingDraft && latest) {
        const r = await s.client.updateVersion(prompt.id, latest.number, body);
        if (mode === 'draft') return r.version;
        return (await s.client.commit(prompt.id, d.commitMessage.trim() || undefined)).version;
      }
      return (
        await s.client.createVersion(prompt.id, { ...body, status: mode === 'draft' ? 'draft' : 'committed' })
      ).version;
    },
    onSuccess: (v) => {
      setReviewing(null);
      onSaved(v);
    },
  });

  const fieldResults = jsonFields(d);
  const blocked = firstIssue >= 0 || params instanceof Error || fieldResults.some((f) => !f.result.ok);
  return (
    <form
      className="editor-form"
      aria-label="Edit prompt"
      onSubmit={(e) => {
        e.preventDefault();
        setReviewing('version');
      }}
    >
      <p className="muted">
        {editingDraft
          ? `Editing the draft v${latest!.number}. Saving a version commits it.`
          : baseVersion
            ? `Starting from v${baseVersion.number}. Saving makes v${(latest?.number ?? 0) + 1}.`
            : 'Writing the first version.'}
      </p>
      {!s.canWrite && (
        <div role="status" className="banner">
          Your key is a viewer key: you can try edits here, but saving needs an editor key.
        </div>
      )}
      <div className="inline-form">
        <label className="field">
          <span>Template format</span>
          <select value={d.format} onChange={(e) => update({ format: e.target.value as TemplateFormat })}>
            <option value="mustache">mustache</option>
            <option value="jinja2">jinja2</option>
            <option value="f-string">f-string</option>
          </select>
        </label>
        <label className="field">
          <span>Model</span>
          <input value={d.model} onChange={(e) => update({ model: e.target.value })} placeholder="gpt-4o" />
        </label>
      </div>
      {d.blocks.map((b, i) => (
        <fieldset key={i} className="block">
          <legend>{d.type === 'chat' ? `Message ${i + 1}` : 'Template'}</legend>
          {d.type === 'chat' && (
            <div className="inline-form">
              <label className="field">
                <span>Role</span>
                <select
                  value={b.role}
                  onChange={(e) =>
                    update({ blocks: d.blocks.map((x, j) => (j === i ? { ...x, role: e.target.value } : x)) })
                  }
                >
                  {['system', 'user', 'assistant', 'developer', 'tool'].map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                onClick={() => update({ blocks: d.blocks.filter((_, j) => j !== i) })}
                disabled={d.blocks.length <= 1}
                aria-label={`Remove message ${i + 1}`}
              >
                Remove message
              </button>
            </div>
          )}
          <CodeEditor
            value={b.text}
            format={d.format}
            label={d.type === 'chat' ? `Message ${i + 1} template` : 'Template text'}
            issue={issues[i]}
            onChange={(t) => update({ blocks: d.blocks.map((x, j) => (j === i ? { ...x, text: t } : x)) })}
          />
          {issues[i] && (
            <p role="alert" className="syntax-error">
              Syntax error
              {issues[i]!.line ? ` at line ${issues[i]!.line}, column ${issues[i]!.column ?? 1}` : ''}:{' '}
              {issues[i]!.message}
            </p>
          )}
        </fieldset>
      ))}
      {d.type === 'chat' && (
        <button type="button" onClick={() => update({ blocks: [...d.blocks, { role: 'user', text: '' }] })}>
          Add message
        </button>
      )}
      <section aria-labelledby="vars-title" className="card">
        <h2 id="vars-title">Variables</h2>
        {check.isError && <ErrorNote error={check.error} />}
        {extracted.length === 0 ? (
          <p className="muted">The template reads no variables.</p>
        ) : (
          <ul className="var-list" aria-label="Extracted variables">
            {variableRows(
              extracted,
              baseVersion?.variable_defaults ?? {},
              baseVersion?.input_variables ?? [],
            ).map((r) => (
              <li key={r.name}>
                <code>{r.name}</code>
                {r.isNew && <span className="chip chip-new">new</span>}
                {r.hasDefault && <span className="muted"> default: {r.defaultText}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <label className="field">
        <span>Sampling parameters (JSON object)</span>
        <textarea
          rows={3}
          value={d.paramsText}
          onChange={(e) => update({ paramsText: e.target.value })}
          placeholder='{"temperature": 0.2}'
          className="mono"
        />
      </label>
      {params instanceof Error && (
        <p role="alert" className="syntax-error">
          {params.message}
        </p>
      )}
      <section aria-labelledby="json-fields-title" className="card json-fields">
        <h2 id="json-fields-title">Tools and response format</h2>
        <p className="muted">JSON, checked as you type; leave a field empty for none.</p>
        {fieldResults.map((f) => (
          <div key={f.key} className="field">
            <span id={`${f.key}-label`}>
              {f.label} <span className="muted">({f.hint})</span>
            </span>
            <CodeEditor
              value={d[f.text]}
              format="json"
              label={`${f.label} (JSON)`}
              placeholder={f.kind === 'array' ? '[]' : f.kind === 'object' ? '{}' : '"auto"'}
              issue={f.result.ok ? null : f.result.issue}
              onChange={(t) => update({ [f.text]: t } as Partial<DraftState>)}
            />
            {!f.result.ok && (
              <p role="alert" className="syntax-error">
                JSON error at line {f.result.issue.line}, column {f.result.issue.column}:{' '}
                {f.result.issue.message}
              </p>
            )}
          </div>
        ))}
      </section>
      <label className="field">
        <span>Commit message</span>
        <input value={d.commitMessage} onChange={(e) => update({ commitMessage: e.target.value })} />
      </label>
      {save.isError && !reviewing && <ErrorNote error={save.error} />}
      <div className="actions">
        {draft && (
          <button type="button" onClick={() => onDraft(null)}>
            Discard changes
          </button>
        )}
        <button type="button" disabled={!s.canWrite || blocked} onClick={() => setReviewing('draft')}>
          Save draft
        </button>
        <button type="submit" className="primary" disabled={!s.canWrite || blocked}>
          Review and save
        </button>
      </div>
      <Dialog
        open={reviewing !== null}
        title={reviewing === 'draft' ? 'Review draft' : 'Review changes'}
        onClose={() => setReviewing(null)}
        wide
      >
        {baseVersion ? (
          <DiffView a={baseVersion} b={d.content} aTitle={`v${baseVersion.number}`} bTitle="your edit" />
        ) : (
          <p>This will be the prompt’s first version.</p>
        )}
        {save.isError && <ErrorNote error={save.error} />}
        <div className="actions">
          <button type="button" onClick={() => setReviewing(null)}>
            Back to editing
          </button>
          <button
            type="button"
            className="primary"
            disabled={save.isPending}
            onClick={() => save.mutate(reviewing ?? 'version')}
          >
            {reviewing === 'draft' ? 'Save draft' : 'Save version'}
          </button>
        </div>
      </Dialog>
    </form>
  );
}
