// Shows a version diff: messages as line diffs, settings as a structured diff by path, variables
// added/removed.
import type { Version } from '../api/client.ts';
import { compareVersions, foldUnchanged, type Comparable } from '../lib/diff-model.ts';

const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function DiffView({
  a,
  b,
  aTitle,
  bTitle,
}: {
  a: Comparable | Version;
  b: Comparable | Version;
  aTitle: string;
  bTitle: string;
}) {
  const d = compareVersions(a, b);
  return (
    <section className="diff" aria-label={`Differences between ${aTitle} and ${bTitle}`}>
      <p className="diff-legend">
        <span className="del-mark">− {aTitle}</span> <span className="add-mark">+ {bTitle}</span>
      </p>
      {d.identical && <p className="muted">No differences.</p>}
      {d.messages.some((m) => m.changed) && (
        <>
          <h3>Messages</h3>
          {d.messages
            .filter((m) => m.changed)
            .map((m) => (
              <div key={m.title} className="diff-block">
                <h4>{m.title}</h4>
                <pre className="diff-text" tabIndex={0}>
                  {foldUnchanged(m.parts).map((p, i) =>
                    p.kind === 'folded' ? (
                      <span key={i} className="folded">
                        {`⋯ ${p.lines} unchanged line${p.lines === 1 ? '' : 's'} ⋯\n`}
                      </span>
                    ) : p.kind === 'same' ? (
                      <span key={i}>{p.text}</span>
                    ) : p.kind === 'added' ? (
                      <ins key={i}>{p.text}</ins>
                    ) : (
                      <del key={i}>{p.text}</del>
                    ),
                  )}
                </pre>
              </div>
            ))}
        </>
      )}
      {d.fields.length > 0 && (
        <>
          <h3>Settings</h3>
          <table className="table fixed">
            <caption className="visually-hidden">Changed settings</caption>
            <colgroup>
              <col style={{ width: '30%' }} />
              <col style={{ width: '35%' }} />
              <col style={{ width: '35%' }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">{aTitle}</th>
                <th scope="col">{bTitle}</th>
              </tr>
            </thead>
            <tbody>
              {d.fields.map((f) => (
                <tr key={f.path} className={`chg-${f.kind}`}>
                  <th scope="row">
                    <code>{f.path}</code>
                  </th>
                  <td>
                    <del>{show(f.before)}</del>
                  </td>
                  <td>
                    <ins>{show(f.after)}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {(d.variablesAdded.length > 0 || d.variablesRemoved.length > 0) && (
        <>
          <h3>Variables</h3>
          <ul className="var-diff">
            {d.variablesAdded.map((v) => (
              <li key={`+${v}`}>
                <ins>+ {v}</ins> added
              </li>
            ))}
            {d.variablesRemoved.map((v) => (
              <li key={`-${v}`}>
                <del>− {v}</del> removed
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
