/**
 * Parser for Python `str.format` templates ("f-string" prompts), following CPython's
 * MarkupIterator/parse_field/FieldNameIterator rules and error messages. Python checks some of
 * these lazily while rendering; we check them all up front so a broken template is rejected when
 * it is saved, not when it is first used.
 */
import { syntaxError } from './errors.ts';

export type FieldAccessor = { kind: 'attr'; name: string } | { kind: 'index'; key: string | number };

export interface FieldNode {
  kind: 'field';
  /** Offset of the opening '{' in the top-level template. */
  offset: number;
  /** Root name; '' for an auto-numbered `{}` field. */
  root: string;
  /** Positional index for `{0}` / `{}` fields (they never resolve: variables are named). */
  positional?: number;
  accessors: FieldAccessor[];
  conversion?: string;
  /** Format spec as nodes (literal text and nested fields). */
  spec: FStringNode[];
}

export interface TextNode {
  kind: 'text';
  text: string;
}

export type FStringNode = TextNode | FieldNode;

export interface ParsedFString {
  nodes: FStringNode[];
  /** Sorted unique root names of named fields (including fields nested in specs). */
  variables: string[];
}

interface ParseState {
  template: string;
  auto: 'init' | 'auto' | 'manual';
  nextAuto: number;
  roots: Set<string>;
}

const DIGITS = /^[0-9]+$/;

export function parseFString(template: string): ParsedFString {
  const state: ParseState = { template, auto: 'init', nextAuto: 0, roots: new Set() };
  const nodes = parseMarkup(state, 0, template.length, 2);
  return { nodes, variables: [...state.roots].sort() };
}

/** Parses template[start, end) as format-string markup; `depth` mirrors CPython's recursion_depth. */
function parseMarkup(state: ParseState, start: number, end: number, depth: number): FStringNode[] {
  const { template } = state;
  if (depth <= 0) throw syntaxError(template, 'Max string recursion exceeded', start);
  const nodes: FStringNode[] = [];
  let text = '';
  let pos = start;
  while (pos < end) {
    const ch = template[pos]!;
    if (ch !== '{' && ch !== '}') {
      text += ch;
      pos++;
      continue;
    }
    const next = pos + 1 < end ? template[pos + 1] : undefined;
    if (next === ch) {
      text += ch;
      pos += 2;
      continue;
    }
    if (ch === '}') throw syntaxError(template, "Single '}' encountered in format string", pos);
    if (next === undefined) throw syntaxError(template, "Single '{' encountered in format string", pos);
    if (text) nodes.push({ kind: 'text', text });
    text = '';
    const field = parseField(state, pos, end, depth);
    nodes.push(field.node);
    pos = field.end;
  }
  if (text) nodes.push({ kind: 'text', text });
  return nodes;
}

function parseField(
  state: ParseState,
  open: number,
  end: number,
  depth: number,
): { node: FieldNode; end: number } {
  const { template } = state;
  let pos = open + 1;
  const nameStart = pos;
  let c = '';
  // Field name runs to '}', ':' or '!'; brackets may contain any of those.
  for (;;) {
    if (pos >= end) {
      c = '';
      break;
    }
    c = template[pos++]!;
    if (c === '{') throw syntaxError(template, "unexpected '{' in field name", open);
    if (c === '[') {
      while (pos < end && template[pos] !== ']') pos++;
      continue;
    }
    if (c === '}' || c === ':' || c === '!') break;
  }
  if (c !== '}' && c !== ':' && c !== '!')
    throw syntaxError(template, "expected '}' before end of string", open);
  const nameText = template.slice(nameStart, pos - 1);
  let conversion: string | undefined;
  let spec: FStringNode[] = [];
  if (c === '!' || c === ':') {
    if (c === '!') {
      if (pos >= end)
        throw syntaxError(template, 'end of string while looking for conversion specifier', open);
      conversion = template[pos++]!;
      if (pos < end) {
        const after = template[pos++]!;
        if (after === '}') return { node: buildField(state, open, nameText, conversion, []), end: pos };
        if (after !== ':') throw syntaxError(template, "expected ':' after conversion specifier", open);
      }
    }
    const specStart = pos;
    let count = 1;
    let needsExpanding = false;
    while (pos < end) {
      const s = template[pos++]!;
      if (s === '{') {
        needsExpanding = true;
        count++;
      } else if (s === '}' && --count === 0) {
        const specEnd = pos - 1;
        const node = buildField(state, open, nameText, conversion, []);
        // Field name is resolved (and auto-numbered) before its spec, as in CPython.
        spec = needsExpanding
          ? parseMarkup(state, specStart, specEnd, depth - 1)
          : specEnd > specStart
            ? [{ kind: 'text', text: template.slice(specStart, specEnd) }]
            : [];
        node.spec = spec;
        return { node, end: pos };
      }
    }
    throw syntaxError(template, "unmatched '{' in format spec", open);
  }
  return { node: buildField(state, open, nameText, conversion, spec), end: pos };
}

function buildField(
  state: ParseState,
  open: number,
  nameText: string,
  conversion: string | undefined,
  spec: FStringNode[],
): FieldNode {
  const { template } = state;
  if (conversion !== undefined && conversion !== 'r' && conversion !== 's' && conversion !== 'a') {
    const cp = conversion.codePointAt(0)!;
    const shown = cp > 32 && cp < 127 ? conversion : `\\x${cp.toString(16)}`;
    throw syntaxError(template, `Unknown conversion specifier ${shown}`, open);
  }
  let i = 0;
  while (i < nameText.length && nameText[i] !== '.' && nameText[i] !== '[') i++;
  const root = nameText.slice(0, i);
  const accessors: FieldAccessor[] = [];
  while (i < nameText.length) {
    const kind = nameText[i++];
    let name: string;
    if (kind === '.') {
      const s = i;
      while (i < nameText.length && nameText[i] !== '.' && nameText[i] !== '[') i++;
      name = nameText.slice(s, i);
      if (name === '') throw syntaxError(template, 'Empty attribute in format string', open);
      accessors.push({ kind: 'attr', name });
    } else if (kind === '[') {
      const s = i;
      while (i < nameText.length && nameText[i] !== ']') i++;
      if (i >= nameText.length) throw syntaxError(template, "Missing ']' in format string", open);
      name = nameText.slice(s, i);
      i++;
      if (name === '') throw syntaxError(template, 'Empty attribute in format string', open);
      accessors.push({ kind: 'index', key: DIGITS.test(name) ? Number(name) : name });
    } else {
      throw syntaxError(template, "Only '.' or '[' may follow ']' in format field specifier", open);
    }
  }
  const node: FieldNode = { kind: 'field', offset: open, root, accessors, spec };
  if (conversion !== undefined) node.conversion = conversion;
  const empty = root === '';
  if (empty || DIGITS.test(root)) {
    if (state.auto === 'init') state.auto = empty ? 'auto' : 'manual';
    else if (state.auto === 'manual' && empty) {
      throw syntaxError(
        template,
        'cannot switch from manual field specification to automatic field numbering',
        open,
      );
    } else if (state.auto === 'auto' && !empty) {
      throw syntaxError(
        template,
        'cannot switch from automatic field numbering to manual field specification',
        open,
      );
    }
    node.positional = empty ? state.nextAuto++ : Number(root);
  } else {
    state.roots.add(root);
  }
  return node;
}
