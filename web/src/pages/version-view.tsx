// A version shown as structured views: messages, model and sampling parameters, tools and
// tool_choice, response format / JSON schema, fallback and load-balance models, variables and
// their defaults. JSON appears only where the data is free-form (schemas, tool parameters).
import type { Version } from '../api/client.ts';
import { messageText } from '../lib/diff-model.ts';
import { valueText } from '../lib/variables.ts';
import { JsonBlock, LabelChip, Time } from '../components/ui.tsx';
import { KeyRef } from '../components/key-ref.tsx';

/**
 * Which API wrote a version, from the marks a dialect keeps in its metadata. Lectern records no
 * writer per version, so a version without a mark says so rather than guess.
 */
const API_NAMES: Record<NonNullable<Version['written_via']>, string> = {
  native: 'native API',
  cli: 'Lectern CLI',
  import: 'import',
  promptlayer: 'PromptLayer API',
  keywordsai: 'Keywords AI API',
  nemo: 'NeMo API',
  langfuse: 'Langfuse API',
};

/** Which API wrote the version, as the server recorded it (null: written before it recorded it). */
export function writtenThrough(v: Version): string {
  return v.written_via ? `via ${API_NAMES[v.written_via]}` : 'writing API unknown';
}

function KeyValues({ data, label }: { data: Record<string, unknown>; label: string }) {
  const entries = Object.entries(data);
  if (!entries.length) return <p className="muted">None</p>;
  return (
    <dl className="kv" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' && v !== null ? <code>{JSON.stringify(v)}</code> : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

interface ToolDef {
  type?: string;
  function?: { name?: string; description?: string; parameters?: unknown };
  name?: string;
  description?: string;
  parameters?: unknown;
}

export function VersionView({ version: v }: { version: Version }) {
  const tools = (v.tools ?? []) as ToolDef[];
  return (
    <section className="version" aria-label={`Version ${v.number}`}>
      <header className="version-head">
        <h2>
          Version {v.number}{' '}
          <span className={`status status-${v.status}`}>{v.status === 'draft' ? 'draft' : 'committed'}</span>
        </h2>
        <div className="meta">
          {v.labels.map((l) => (
            <LabelChip key={l} name={l} />
          ))}
        </div>
        <p className="muted">
          {v.commit_message ? `“${v.commit_message}”` : 'No commit message'} · <Time iso={v.created_at} /> ·{' '}
          <KeyRef id={v.author} none="unknown author" /> · {writtenThrough(v)}
        </p>
      </header>

      <h3>{v.template_type === 'chat' ? 'Messages' : 'Template'}</h3>
      <p className="muted">Template format: {v.template_format}</p>
      {v.template_type === 'chat' ? (
        <ol className="messages">
          {v.messages.map((m, i) => (
            <li key={i} className="message">
              <span className="role">{m.role}</span>
              <pre className="text" tabIndex={0} aria-label={`Message ${i + 1} (${m.role})`}>
                {messageText(m.content)}
              </pre>
            </li>
          ))}
          {!v.messages.length && <li className="muted">No messages</li>}
        </ol>
      ) : (
        <pre className="text" tabIndex={0} aria-label="Template text">
          {(v.content ?? []).map(messageText).join('\n')}
        </pre>
      )}

      <h3>Variables</h3>
      {v.input_variables.length ? (
        <table className="table">
          <caption className="visually-hidden">Input variables and their defaults</caption>
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">Default</th>
            </tr>
          </thead>
          <tbody>
            {v.input_variables.map((n) => (
              <tr key={n}>
                <th scope="row">
                  <code>{n}</code>
                </th>
                <td>
                  {n in (v.variable_defaults ?? {}) ? (
                    valueText(v.variable_defaults[n])
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">This template reads no variables.</p>
      )}

      <h3>Model</h3>
      <dl className="kv" aria-label="Model">
        <div>
          <dt>Model</dt>
          <dd>{v.model ?? <span className="muted">not set</span>}</dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>{v.provider ?? <span className="muted">not set</span>}</dd>
        </div>
        {v.fallback_models?.length ? (
          <div>
            <dt>Fallback models</dt>
            <dd>{v.fallback_models.join(' → ')}</dd>
          </div>
        ) : null}
      </dl>
      {v.load_balance_models?.length ? (
        <table className="table">
          <caption>Load-balance models</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Weight</th>
            </tr>
          </thead>
          <tbody>
            {v.load_balance_models.map((m, i) => (
              <tr key={i}>
                <td>{m.model}</td>
                <td>{m.weight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h3>Sampling parameters</h3>
      <KeyValues data={v.params ?? {}} label="Sampling parameters" />

      {(tools.length > 0 || v.tool_choice != null) && (
        <>
          <h3>Tools</h3>
          {tools.map((t, i) => {
            const f = t.function ?? t;
            return (
              <div className="tool" key={i}>
                <p>
                  <code>{f.name ?? `tool ${i + 1}`}</code>{' '}
                  <span className="muted">{t.type ?? 'function'}</span>
                </p>
                {f.description && <p>{f.description}</p>}
                {f.parameters !== undefined && (
                  <JsonBlock value={f.parameters} label={`Parameters of ${f.name ?? 'tool'}`} />
                )}
              </div>
            );
          })}
          {v.tool_choice != null && (
            <p>
              Tool choice:{' '}
              <code>{typeof v.tool_choice === 'string' ? v.tool_choice : JSON.stringify(v.tool_choice)}</code>
            </p>
          )}
        </>
      )}

      {(v.response_format || v.json_schema) && (
        <>
          <h3>Response format</h3>
          {v.response_format && (
            <p>
              Type: <code>{String((v.response_format as { type?: unknown }).type ?? 'custom')}</code>
            </p>
          )}
          {(v.json_schema ?? (v.response_format as { json_schema?: unknown } | null)?.json_schema) !=
            null && (
            <JsonBlock
              value={v.json_schema ?? (v.response_format as { json_schema?: unknown }).json_schema}
              label="JSON schema"
            />
          )}
        </>
      )}
    </section>
  );
}
