/** Renders parsed `str.format` templates against named variables. */
import { renderLimitError, TemplateError } from './errors.ts';
import { formatValue } from './fstring-format-spec.ts';
import type { FieldNode, FStringNode, ParsedFString } from './fstring-parser.ts';
import {
  hasOwn,
  isPlainObject,
  pyRepr,
  pyStr,
  pyStringRepr,
  pyTypeName,
  type PlainObject,
  type PlainValue,
} from './python-values.ts';

export interface FStringRenderOptions {
  maxOutputChars: number;
}

const MISSING = Symbol('missing');

function pyError(type: string, message: string): TemplateError {
  return new TemplateError('render_error', `${type}: ${message}`);
}

function resolveField(field: FieldNode, variables: PlainObject): PlainValue | typeof MISSING {
  if (field.positional !== undefined) {
    throw pyError(
      'IndexError',
      `Replacement index ${field.positional} out of range for positional args tuple`,
    );
  }
  if (!hasOwn(variables, field.root)) return MISSING;
  let value: PlainValue = variables[field.root]!;
  for (const acc of field.accessors) {
    if (acc.kind === 'attr') {
      // Python would call getattr(); on JSON data the only safe meaning is the mapping key.
      if (isPlainObject(value) && hasOwn(value, acc.name)) value = value[acc.name]!;
      else throw pyError('AttributeError', `'${pyTypeName(value)}' object has no attribute '${acc.name}'`);
      continue;
    }
    const key = acc.key;
    if (Array.isArray(value) || typeof value === 'string') {
      const seq: PlainValue[] = typeof value === 'string' ? Array.from(value) : value;
      const noun = typeof value === 'string' ? 'string' : 'list';
      if (typeof key !== 'number') {
        throw pyError(
          'TypeError',
          typeof value === 'string'
            ? "string indices must be integers, not 'str'"
            : 'list indices must be integers or slices, not str',
        );
      }
      if (key >= seq.length) throw pyError('IndexError', `${noun} index out of range`);
      value = seq[key]!;
    } else if (isPlainObject(value)) {
      // JSON keys are strings, so an integer key never matches: Python raises KeyError too.
      if (typeof key === 'number' || !hasOwn(value, key))
        throw pyError('KeyError', typeof key === 'number' ? String(key) : pyStringRepr(key));
      value = value[key]!;
    } else {
      throw pyError('TypeError', `'${pyTypeName(value)}' object is not subscriptable`);
    }
  }
  return value;
}

function renderNodes(
  nodes: FStringNode[],
  variables: PlainObject,
  options: FStringRenderOptions,
  missing: Set<string>,
): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else out += renderField(node, variables, options, missing);
    if (out.length > options.maxOutputChars)
      throw renderLimitError(`output exceeds ${options.maxOutputChars} characters`);
  }
  return out;
}

function renderField(
  field: FieldNode,
  variables: PlainObject,
  options: FStringRenderOptions,
  missing: Set<string>,
): string {
  const resolved = resolveField(field, variables);
  if (resolved === MISSING) {
    // Lenient mode: the whole field renders empty (strict mode never gets here).
    missing.add(field.root);
    return '';
  }
  let value: PlainValue = resolved;
  if (field.conversion === 'r') value = pyRepr(value);
  else if (field.conversion === 'a') value = pyRepr(value, true);
  else if (field.conversion === 's') value = pyStr(value);
  const spec = field.spec.length === 0 ? '' : renderNodes(field.spec, variables, options, missing);
  return formatValue(value, spec);
}

export function renderFString(
  parsed: ParsedFString,
  variables: PlainObject,
  options: FStringRenderOptions,
): { output: string; missing: string[] } {
  const missing = new Set<string>();
  const output = renderNodes(parsed.nodes, variables, options, missing);
  return { output, missing: [...missing].sort() };
}
