// A template (or JSON) editor: CodeMirror 6 loaded on demand (a plain textarea until it arrives, so the
// field works at once). Errors come from the server's renderer, shown at their line and column.
import { useEffect, useRef, useState } from 'react';
import type { Format, Handle } from './cm.ts';
import { offsetOf } from '../lib/variables.ts';

export interface TemplateIssue {
  message: string;
  line?: number;
  column?: number;
}

export function CodeEditor({
  value,
  onChange,
  format,
  label,
  issue,
  readOnly = false,
  placeholder,
}: {
  value: string;
  onChange: (v: string) => void;
  format: Format;
  label: string;
  issue?: TemplateIssue | null;
  readOnly?: boolean;
  placeholder?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const handle = useRef<Handle | null>(null);
  const change = useRef(onChange);
  change.current = onChange;
  const initial = useRef(value);
  const fallback = useRef<HTMLTextAreaElement>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void import('./cm.ts').then((cm) => {
      if (cancelled || !host.current) return;
      // Whoever was typing in the stand-in textarea keeps typing in the editor.
      const hadFocus = document.activeElement === fallback.current;
      handle.current = cm.createEditor({
        parent: host.current,
        doc: initial.current,
        format,
        label,
        readOnly,
        placeholder,
        onChange: (t) => change.current(t),
      });
      if (hadFocus) {
        const view = handle.current.view;
        view.focus();
        view.dispatch({ selection: { anchor: view.state.doc.length } });
      }
      setLoaded(true);
    });
    return () => {
      cancelled = true;
      handle.current?.destroy();
      handle.current = null;
    };
    // The editor is made once; later props flow in through the effects below.
  }, []);
  useEffect(() => handle.current?.setFormat(format), [format, loaded]);
  useEffect(() => handle.current?.setText(value), [value, loaded]);
  useEffect(() => {
    const h = handle.current;
    if (!h) return;
    if (issue && issue.line) {
      const from = offsetOf(value, issue.line, issue.column ?? 1);
      h.setDiagnostics([{ from, to: from + 1, message: issue.message }]);
    } else h.setDiagnostics([]);
  }, [issue, loaded, value]);

  return (
    <div className="editor">
      {!loaded && (
        <textarea
          ref={fallback}
          aria-label={label}
          value={value}
          readOnly={readOnly}
          placeholder={placeholder}
          onChange={(e) => {
            initial.current = e.target.value;
            onChange(e.target.value);
          }}
          rows={6}
        />
      )}
      <div ref={host} className="cm-host" />
    </div>
  );
}
