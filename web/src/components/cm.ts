// CodeMirror 6 setup, loaded on demand (dynamic import) so the first page stays small: template
// highlighting for mustache / Jinja2 / f-string, and the server's syntax error as a diagnostic at
// its line and column.
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  drawSelection,
  placeholder,
} from '@codemirror/view';
import { EditorState, Compartment } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage, syntaxHighlighting, HighlightStyle, bracketMatching } from '@codemirror/language';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { jinja2 } from '@codemirror/legacy-modes/mode/jinja2';
import { tags } from '@lezer/highlight';
import { json } from '@codemirror/lang-json';

/** A template format, or `json` for the version's JSON fields (tools, response_format, …). */
export type Format = 'mustache' | 'jinja2' | 'f-string' | 'json';

const mustache = StreamLanguage.define<{ inTag: boolean }>({
  name: 'mustache',
  startState: () => ({ inTag: false }),
  token(stream, state) {
    if (!state.inTag) {
      if (stream.match('{{')) {
        state.inTag = true;
        stream.match(/^[#/^>!&{]?/);
        return 'keyword';
      }
      stream.next();
      while (!stream.eol() && !stream.match('{{', false)) stream.next();
      return null;
    }
    if (stream.match(/^}?}}/)) {
      state.inTag = false;
      return 'keyword';
    }
    if (stream.match(/^[\w.\-]+/)) return 'variableName';
    stream.next();
    return null;
  },
});

const fstring = StreamLanguage.define<{ depth: number }>({
  name: 'f-string',
  startState: () => ({ depth: 0 }),
  token(stream, state) {
    if (stream.match('{{') || stream.match('}}')) return state.depth ? 'variableName' : 'escape';
    if (stream.eat('{')) {
      state.depth++;
      return 'keyword';
    }
    if (state.depth && stream.eat('}')) {
      state.depth--;
      return 'keyword';
    }
    if (state.depth) {
      stream.match(/^[^{}]+/);
      return 'variableName';
    }
    if (!stream.match(/^[^{}]+/)) stream.next();
    return null;
  },
});

const languageFor = (f: Format) =>
  f === 'json'
    ? json()
    : f === 'jinja2'
      ? StreamLanguage.define(jinja2)
      : f === 'mustache'
        ? mustache
        : fstring;

const style = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--cm-keyword)', fontWeight: '600' },
  { tag: tags.variableName, color: 'var(--cm-variable)' },
  { tag: [tags.string, tags.escape], color: 'var(--cm-string)' },
  { tag: tags.propertyName, color: 'var(--cm-variable)' },
  { tag: tags.comment, color: 'var(--cm-comment)', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.atom], color: 'var(--cm-number)' },
  { tag: tags.operator, color: 'var(--cm-keyword)' },
]);

export interface Handle {
  view: EditorView;
  setFormat(f: Format): void;
  setDiagnostics(d: { from: number; to: number; message: string }[]): void;
  setText(t: string): void;
  destroy(): void;
}

export function createEditor(opts: {
  parent: HTMLElement;
  doc: string;
  format: Format;
  label: string;
  readOnly: boolean;
  placeholder?: string;
  onChange: (text: string) => void;
}): Handle {
  const lang = new Compartment();
  const view = new EditorView({
    parent: opts.parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        lintGutter(),
        linter(null),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        lang.of(languageFor(opts.format)),
        syntaxHighlighting(style),
        EditorView.lineWrapping,
        placeholder(opts.placeholder ?? 'Template text…'),
        EditorState.readOnly.of(opts.readOnly),
        // The page's CSP allows <style> elements with this response's nonce only.
        EditorView.cspNonce.of(
          document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '',
        ),
        EditorView.contentAttributes.of({ 'aria-label': opts.label, 'aria-multiline': 'true' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    setFormat: (f) => view.dispatch({ effects: lang.reconfigure(languageFor(f)) }),
    setDiagnostics: (d) => {
      const len = view.state.doc.length;
      const diags: Diagnostic[] = d.map((x) => ({
        from: Math.min(x.from, len),
        to: Math.min(Math.max(x.to, x.from), len),
        severity: 'error',
        message: x.message,
      }));
      view.dispatch(setDiagnostics(view.state, diags));
    },
    setText: (t) => {
      if (t !== view.state.doc.toString())
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
    },
    destroy: () => view.destroy(),
  };
}
