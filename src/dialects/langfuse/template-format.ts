// What a Langfuse client can compile. Both official SDKs substitute `{{name}}` (JS through mustache,
// Python by its own parser), so a Lectern version is served on the Langfuse route in a form that
// compiles to what Lectern itself renders, or refused:
//   mustache  as stored (sections, inverted sections and partials compile in the JS SDK only);
//   f-string  plain fields `{name}` become `{{name}}`, `{{`/`}}` become literal braces; a field with
//             a conversion, format spec, index or attribute has no Langfuse equivalent: refused;
//   jinja2    served as stored when it holds only plain `{{ name }}` expressions (which compile the
//             same); statements, comments, filters or expressions: refused.
// Refused means a 400 that names the format and where to render it instead: a template that
// compile() would leave half-rendered must never reach an LLM silently.
import type { TemplateFormat } from '../../model/types.ts';

export class NotRepresentable extends Error {
  constructor(readonly format: TemplateFormat) {
    super(`not representable as a Langfuse template`);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An f-string template as a Langfuse (mustache-style) template; throws NotRepresentable. */
export function fstringToLangfuse(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{') {
      if (text[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = text.indexOf('}', i);
      const field = end < 0 ? '' : text.slice(i + 1, end);
      if (!IDENT.test(field)) throw new NotRepresentable('f-string');
      out += `{{${field}}}`;
      i = end;
    } else if (c === '}') {
      if (text[i + 1] !== '}') throw new NotRepresentable('f-string');
      out += '}';
      i++;
    } else out += c;
  }
  // Literal braces next to a tag would read as a triple-mustache or a longer tag.
  if (/\{\{\{|\}\}\}/.test(out) || countTags(out) !== countFields(text))
    throw new NotRepresentable('f-string');
  return out;
}

const countTags = (s: string) => (s.match(/\{\{/g) ?? []).length;
const countFields = (s: string) => (s.replace(/\{\{|\}\}/g, '').match(/\{/g) ?? []).length;

/** A jinja2 template whose every `{{ … }}` is a plain variable and that has no statements or comments. */
export function jinjaToLangfuse(text: string): string {
  if (/\{%|\{#/.test(text)) throw new NotRepresentable('jinja2');
  for (const m of text.matchAll(/\{\{(.*?)\}\}/gs)) {
    if (!IDENT.test(m[1]!.trim())) throw new NotRepresentable('jinja2');
  }
  if (/\{\{\{|\}\}\}/.test(text)) throw new NotRepresentable('jinja2');
  return text;
}

/** A stored text in the form a Langfuse client compiles like Lectern renders it. */
export function textForLangfuse(format: TemplateFormat, text: string): string {
  if (format === 'f-string') return fstringToLangfuse(text);
  if (format === 'jinja2') return jinjaToLangfuse(text);
  return text;
}
