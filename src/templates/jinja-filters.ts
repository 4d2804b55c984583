/**
 * Jinja filters the engine lacks or gets wrong against Python's Jinja (format, truncate, round on
 * floats, map without attribute, select/reject, tojson's sorted HTML-safe output, Python str() in
 * join/string, …). Each returns a runtime value, or undefined to let the engine's filter run.
 * Anything that can allocate a lot checks the size budget first.
 */
import type { Environment } from '@huggingface/jinja';
import { TemplateError } from './errors.ts';
import { printf } from './jinja-printf.ts';
import {
  float,
  int,
  isBool,
  isContainer,
  isFloat,
  isInt,
  isList,
  isMapping,
  isNone,
  isNumber,
  isString,
  isUndefined,
  list,
  pyEquals,
  rvRepr,
  rvStr,
  str,
  tuple,
  undef,
  type RV,
} from './jinja-values.ts';
import { pyFloatRepr, pyRoundFloat } from './python-number.ts';
import { pyStringRepr } from './python-values.ts';

export interface FilterHost {
  readonly limits: { maxValueWeight: number };
  tick(cost?: number): void;
  ensureSize(size: number, what?: string): void;
  getAttribute(object: RV, key: RV): RV;
  applyFilterByName(operand: RV, name: string, args: RV[], environment: Environment): RV;
  replace(source: string, oldText: string, newText: string, limit: number): string;
}

type Filter = (
  host: FilterHost,
  value: RV,
  args: RV[],
  kwargs: Map<string, RV>,
  env: Environment,
) => RV | undefined;

function filterError(message: string): TemplateError {
  return new TemplateError('render_error', `FilterArgumentError: ${message}`);
}

/** Positional-or-keyword argument lookup. */
function arg(args: RV[], kwargs: Map<string, RV>, index: number, name: string): RV | undefined {
  const v = args[index] ?? kwargs.get(name);
  return v === undefined || isUndefined(v) ? undefined : v;
}

function argInt(args: RV[], kwargs: Map<string, RV>, index: number, name: string, fallback: number): number {
  const v = arg(args, kwargs, index, name);
  if (v === undefined || isNone(v)) return fallback;
  if (!isInt(v) && !isBool(v) && !isFloat(v))
    throw new TemplateError('render_error', `TypeError: ${name} must be an integer`);
  return Math.trunc(Number(v.value));
}

function argBool(
  args: RV[],
  kwargs: Map<string, RV>,
  index: number,
  name: string,
  fallback: boolean,
): boolean {
  const v = arg(args, kwargs, index, name);
  return v === undefined ? fallback : v.__bool__().value;
}

function argStr(args: RV[], kwargs: Map<string, RV>, index: number, name: string, fallback: string): string {
  const v = arg(args, kwargs, index, name);
  return v === undefined ? fallback : rvStr(v);
}

const chars = (s: string): string[] => Array.from(s);

/** Iterates like Python: strings by character, mappings by key. */
function iterate(v: RV): RV[] {
  if (isList(v)) return v.value as RV[];
  if (isString(v)) return chars(v.value as string).map(str);
  if (isContainer(v)) return [...(v.value as Map<string, RV>).keys()].map(str);
  if (isUndefined(v)) return [];
  throw new TemplateError('render_error', `TypeError: '${rvTypeName(v)}' object is not iterable`);
}

function rvTypeName(v: RV): string {
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (isBool(v)) return 'bool';
  if (isNone(v)) return 'NoneType';
  return v.type;
}

function attributeOf(host: FilterHost, item: RV, attribute: string | undefined): RV {
  if (attribute === undefined) return item;
  let v = item;
  for (const part of attribute.split('.'))
    v = host.getAttribute(v, /^\d+$/.test(part) ? int(Number(part)) : str(part));
  return v;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** json.dumps(sort_keys=True) with Jinja's HTML-safe replacements, size-checked as it grows. */
function toJson(host: FilterHost, v: RV, indent: number | undefined): string {
  let size = 0;
  const grow = (s: string): string => {
    size += s.length;
    host.ensureSize(size, 'tojson output');
    return s;
  };
  const asciiJson = (s: string): string =>
    grow(
      JSON.stringify(s).replace(
        /[\u007f-\uffff]/g,
        (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    );
  const walk = (x: RV, depth: number): string => {
    host.tick();
    const pad = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
    const close = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
    const sep = indent === undefined ? ', ' : ',';
    if (isString(x)) return asciiJson(x.value as string);
    if (isInt(x)) return grow(String(x.value));
    if (isFloat(x))
      return grow(
        pyFloatRepr(x.value as number)
          .replace(/^inf$/, 'Infinity')
          .replace(/^-inf$/, '-Infinity')
          .replace(/^nan$/, 'NaN'),
      );
    if (isBool(x)) return grow(x.value ? 'true' : 'false');
    if (isNone(x) || isUndefined(x)) return grow('null');
    if (isList(x)) {
      const items = (x.value as RV[]).map((item) => grow(pad) + walk(item, depth + 1));
      return items.length === 0 ? '[]' : `[${items.join(sep)}${close}]`;
    }
    if (isContainer(x)) {
      const keys = [...(x.value as Map<string, RV>).keys()].sort();
      const items = keys.map(
        (k) => `${grow(pad)}${asciiJson(k)}: ${walk((x.value as Map<string, RV>).get(k)!, depth + 1)}`,
      );
      return items.length === 0 ? '{}' : `{${items.join(sep)}${close}}`;
    }
    throw new TemplateError('render_error', `TypeError: Object of type ${x.type} is not JSON serializable`);
  };
  return walk(v, 0)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}

const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

type Test = (value: RV, args: RV[]) => boolean;
const num = (v: RV | undefined): number => Number(v?.value);
const compare = (a: RV, b: RV | undefined): number => {
  if (!b) return NaN;
  if (isString(a) && isString(b))
    return (a.value as string) < (b.value as string) ? -1 : a.value === b.value ? 0 : 1;
  return num(a) - num(b);
};

export const TESTS = new Map<string, Test>([
  ['defined', (v) => !isUndefined(v)],
  ['undefined', (v) => isUndefined(v)],
  ['none', (v) => isNone(v)],
  ['boolean', (v) => isBool(v)],
  ['true', (v) => isBool(v) && v.value === true],
  ['false', (v) => isBool(v) && v.value === false],
  ['integer', (v) => isInt(v)],
  ['float', (v) => isFloat(v)],
  ['number', (v) => isNumber(v) || isBool(v)],
  ['string', (v) => isString(v)],
  ['mapping', (v) => isMapping(v)],
  ['iterable', (v) => isList(v) || isString(v) || isContainer(v)],
  ['sequence', (v) => isList(v) || isString(v) || isMapping(v)],
  ['callable', (v) => v.type === 'FunctionValue'],
  ['odd', (v) => num(v) % 2 !== 0],
  ['even', (v) => num(v) % 2 === 0],
  ['divisibleby', (v, a) => num(v) % num(a[0]) === 0],
  ['eq', (v, a) => !!a[0] && pyEquals(v, a[0])],
  ['equalto', (v, a) => !!a[0] && pyEquals(v, a[0])],
  ['==', (v, a) => !!a[0] && pyEquals(v, a[0])],
  ['ne', (v, a) => !a[0] || !pyEquals(v, a[0])],
  ['!=', (v, a) => !a[0] || !pyEquals(v, a[0])],
  ['gt', (v, a) => compare(v, a[0]) > 0],
  ['greaterthan', (v, a) => compare(v, a[0]) > 0],
  ['>', (v, a) => compare(v, a[0]) > 0],
  ['ge', (v, a) => compare(v, a[0]) >= 0],
  ['>=', (v, a) => compare(v, a[0]) >= 0],
  ['lt', (v, a) => compare(v, a[0]) < 0],
  ['lessthan', (v, a) => compare(v, a[0]) < 0],
  ['<', (v, a) => compare(v, a[0]) < 0],
  ['le', (v, a) => compare(v, a[0]) <= 0],
  ['<=', (v, a) => compare(v, a[0]) <= 0],
  [
    'in',
    (v, a) =>
      !!a[0] &&
      iterateSafe(a[0]).some(
        (item) =>
          pyEquals(item, v) ||
          (isString(a[0]!) && isString(v) && (a[0]!.value as string).includes(v.value as string)),
      ),
  ],
  ['lower', (v) => isString(v) && (v.value as string) === (v.value as string).toLowerCase()],
  ['upper', (v) => isString(v) && (v.value as string) === (v.value as string).toUpperCase()],
  [
    'sameas',
    (v, a) =>
      !!a[0] &&
      (v === a[0] || (v.type === a[0].type && !isList(v) && !isContainer(v) && v.value === a[0].value)),
  ],
  ['escaped', () => false],
]);

function iterateSafe(v: RV): RV[] {
  try {
    return iterate(v);
  } catch {
    return [];
  }
}

function selectOrReject(select: boolean, byAttribute: boolean): Filter {
  return (host, value, args) => {
    if (byAttribute) return undefined; // selectattr/rejectattr: the engine's version is fine.
    const [testName, ...testArgs] = args;
    let test: Test = (v) => v.__bool__().value;
    if (testName) {
      const found = TESTS.get(rvStr(testName));
      if (!found)
        throw new TemplateError(
          'render_error',
          `TemplateRuntimeError: No test named ${pyStringRepr(rvStr(testName))}.`,
        );
      test = found;
    }
    return list(
      iterate(value).filter((item) => {
        host.tick();
        return test(item, testArgs) === select;
      }),
    );
  };
}

function pySplitWords(s: string): string[] {
  return s.split(/([-\s({[<]+)/u).filter((p) => p !== '');
}

const capitalizeWord = (w: string): string => {
  const [first = '', ...rest] = chars(w);
  return first.toUpperCase() + rest.join('').toLowerCase();
};

function aggregate(pickMax: boolean): Filter {
  return (host, value, args, kwargs) => {
    const caseSensitive = argBool(args, kwargs, 0, 'case_sensitive', false);
    const attribute = arg(args, kwargs, 1, 'attribute');
    const items = iterate(value);
    if (items.length === 0) return undef();
    const key = (item: RV): RV => {
      const v = attributeOf(host, item, attribute ? rvStr(attribute) : undefined);
      return isString(v) && !caseSensitive ? str((v.value as string).toLowerCase()) : v;
    };
    let best = items[0]!;
    for (const item of items.slice(1)) {
      const c = compare(key(item), key(best));
      if (pickMax ? c > 0 : c < 0) best = item;
    }
    return best;
  };
}

export const FILTERS: Map<string, Filter> = new Map<string, Filter>([
  [
    'format',
    (_host, value, args, kwargs) => {
      if (args.length > 0 && kwargs.size > 0)
        throw filterError("can't handle positional and keyword arguments at the same time");
      return str(printf(rvStr(value), kwargs.size > 0 ? kwargs : args));
    },
  ],
  [
    'truncate',
    (_host, value, args, kwargs) => {
      const s = chars(rvStr(value));
      const length = argInt(args, kwargs, 0, 'length', 255);
      const killwords = argBool(args, kwargs, 1, 'killwords', false);
      const end = argStr(args, kwargs, 2, 'end', '...');
      const leeway = argInt(args, kwargs, 3, 'leeway', 5);
      if (length < chars(end).length)
        throw new TemplateError(
          'render_error',
          `AssertionError: expected length >= ${chars(end).length}, got ${length}`,
        );
      if (leeway < 0)
        throw new TemplateError('render_error', `AssertionError: expected leeway >= 0, got ${leeway}`);
      if (s.length <= length + leeway) return str(s.join(''));
      const head = s.slice(0, length - chars(end).length).join('');
      if (killwords) return str(head + end);
      const cut = head.lastIndexOf(' ');
      return str((cut >= 0 ? head.slice(0, cut) : head) + end);
    },
  ],
  [
    'round',
    (_host, value, args, kwargs) => {
      const precision = argInt(args, kwargs, 0, 'precision', 0);
      const method = argStr(args, kwargs, 1, 'method', 'common');
      if (!['common', 'ceil', 'floor'].includes(method))
        throw filterError('method must be common, ceil or floor');
      if (!isNumber(value) && !isBool(value))
        throw new TemplateError(
          'render_error',
          `TypeError: type ${rvTypeName(value)} doesn't define __round__ method`,
        );
      const x = Number(value.value);
      if (method === 'common') {
        if (!isFloat(value)) return precision >= 0 ? int(x) : int(pyRoundFloat(x, precision));
        return float(pyRoundFloat(x, precision));
      }
      const scale = 10 ** precision;
      return float((method === 'ceil' ? Math.ceil(x * scale) : Math.floor(x * scale)) / scale);
    },
  ],
  [
    'map',
    (host, value, args, kwargs, env) => {
      if (kwargs.has('attribute')) return undefined;
      const [name, ...rest] = args;
      if (!name) return list(iterate(value));
      return list(iterate(value).map((item) => host.applyFilterByName(item, rvStr(name), rest, env)));
    },
  ],
  [
    'tojson',
    (host, value, args, kwargs) => {
      const indent = arg(args, kwargs, 0, 'indent');
      return str(toJson(host, value, indent && isInt(indent) ? (indent.value as number) : undefined));
    },
  ],
  ['string', (_host, value) => str(rvStr(value))],
  [
    'join',
    (host, value, args, kwargs) => {
      const sep = argStr(args, kwargs, 0, 'd', '');
      const attribute = arg(args, kwargs, 1, 'attribute');
      const parts = iterate(value).map((item) =>
        rvStr(attributeOf(host, item, attribute ? rvStr(attribute) : undefined)),
      );
      host.ensureSize(
        parts.reduce((n, p) => n + p.length + sep.length, 0),
        'join() result',
      );
      return str(parts.join(sep));
    },
  ],
  ['upper', (_host, value) => str(rvStr(value).toUpperCase())],
  ['lower', (_host, value) => str(rvStr(value).toLowerCase())],
  ['capitalize', (_host, value) => str(capitalizeWord(rvStr(value)))],
  ['title', (_host, value) => str(pySplitWords(rvStr(value)).map(capitalizeWord).join(''))],
  [
    'center',
    (host, value, args, kwargs) => {
      const s = rvStr(value);
      const width = argInt(args, kwargs, 0, 'width', 80);
      const len = chars(s).length;
      if (width <= len) return str(s);
      host.ensureSize(width, 'center() result');
      const margin = width - len;
      const left = Math.floor(margin / 2) + (margin & width & 1);
      return str(' '.repeat(left) + s + ' '.repeat(margin - left));
    },
  ],
  ['wordcount', (_host, value) => int((rvStr(value).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? []).length)],
  [
    'sum',
    (host, value, args, kwargs) => {
      const attribute = arg(args, kwargs, 0, 'attribute');
      const start = arg(args, kwargs, 1, 'start');
      let total = start ? Number(start.value) : 0;
      let anyFloat = start ? isFloat(start) : false;
      for (const item of iterate(value)) {
        const v = attributeOf(host, item, attribute ? rvStr(attribute) : undefined);
        if (!isNumber(v) && !isBool(v))
          throw new TemplateError(
            'render_error',
            `TypeError: unsupported operand type(s) for +: 'int' and '${rvTypeName(v)}'`,
          );
        anyFloat ||= isFloat(v);
        total += Number(v.value);
      }
      return anyFloat ? float(total) : int(total);
    },
  ],
  ['min', aggregate(false)],
  ['max', aggregate(true)],
  [
    'length',
    (_host, value) => {
      if (isString(value)) return int(chars(value.value as string).length);
      if (isList(value)) return int((value.value as RV[]).length);
      if (isContainer(value)) return int((value.value as Map<string, RV>).size);
      if (isUndefined(value)) return int(0);
      throw new TemplateError(
        'render_error',
        `TypeError: object of type '${rvTypeName(value)}' has no len()`,
      );
    },
  ],
  ['list', (_host, value) => list([...iterate(value)])],
  ['first', (_host, value) => iterate(value)[0] ?? undef()],
  [
    'last',
    (_host, value) => {
      if (isContainer(value))
        throw new TemplateError('render_error', "TypeError: 'dict' object is not reversible");
      return iterate(value).at(-1) ?? undef();
    },
  ],
  [
    'reverse',
    (_host, value) => {
      if (isString(value))
        return str(
          chars(value.value as string)
            .reverse()
            .join(''),
        );
      return list([...iterate(value)].reverse());
    },
  ],
  ['escape', (_host, value) => str(rvStr(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!))],
  ['e', (_host, value) => str(rvStr(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!))],
  ['forceescape', (_host, value) => str(rvStr(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!))],
  [
    'd',
    (_host, value, args, kwargs) => {
      const fallback = arg(args, kwargs, 0, 'default_value') ?? str('');
      const boolean = argBool(args, kwargs, 1, 'boolean', false);
      return isUndefined(value) || (boolean && !value.__bool__().value) ? fallback : value;
    },
  ],
  [
    'replace',
    (host, value, args, kwargs) => {
      const oldText = argStr(args, kwargs, 0, 'old', '');
      const newText = argStr(args, kwargs, 1, 'new', '');
      const count = arg(args, kwargs, 2, 'count');
      const limit = count && !isNone(count) && Number(count.value) >= 0 ? Number(count.value) : Infinity;
      return str(host.replace(rvStr(value), oldText, newText, limit));
    },
  ],
  [
    'indent',
    (host, value, args, kwargs) => {
      const widthArg = arg(args, kwargs, 0, 'width');
      const first = argBool(args, kwargs, 1, 'first', false);
      const blank = argBool(args, kwargs, 2, 'blank', false);
      const unit =
        widthArg && isString(widthArg)
          ? (widthArg.value as string)
          : ' '.repeat(
              Math.max(0, Math.min(argInt(args, kwargs, 0, 'width', 4), host.limits.maxValueWeight + 1)),
            );
      const lines = `${rvStr(value)}\n`.split(LINE_BREAKS);
      lines.pop();
      host.ensureSize(rvStr(value).length + (lines.length + 1) * unit.length, 'indent() result');
      let out: string;
      if (blank) out = lines.join(`\n${unit}`);
      else {
        out = lines[0] ?? '';
        const rest = lines.slice(1);
        if (rest.length > 0) out += `\n${rest.map((line) => (line ? unit + line : line)).join('\n')}`;
      }
      return str(first ? unit + out : out);
    },
  ],
  ['select', selectOrReject(true, false)],
  ['reject', selectOrReject(false, false)],
  [
    'batch',
    (host, value, args, kwargs) => {
      const size = argInt(args, kwargs, 0, 'linecount', 1);
      if (size <= 0) throw new TemplateError('render_error', 'ValueError: batch size must be positive');
      const fill = arg(args, kwargs, 1, 'fill_with');
      const items = iterate(value);
      const out: RV[] = [];
      for (let i = 0; i < items.length; i += size) {
        host.tick();
        const chunk = items.slice(i, i + size);
        if (fill && chunk.length < size) while (chunk.length < size) chunk.push(fill);
        out.push(list(chunk));
      }
      return list(out);
    },
  ],
  ['attr', (host, value, args) => host.getAttribute(value, str(rvStr(args[0] ?? str(''))))],
  [
    'trim',
    (_host, value, args, kwargs) => {
      const s = rvStr(value);
      const charsArg = arg(args, kwargs, 0, 'chars');
      if (!charsArg || isNone(charsArg))
        return str(s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, ''));
      const set = new Set(chars(rvStr(charsArg)));
      const cs = chars(s);
      let a = 0;
      let b = cs.length;
      while (a < b && set.has(cs[a]!)) a++;
      while (b > a && set.has(cs[b - 1]!)) b--;
      return str(cs.slice(a, b).join(''));
    },
  ],
  [
    'unique',
    (host, value, args, kwargs) => {
      const caseSensitive = argBool(args, kwargs, 0, 'case_sensitive', false);
      const attribute = arg(args, kwargs, 1, 'attribute');
      const seen = new Set<string>();
      const out: RV[] = [];
      for (const item of iterate(value)) {
        host.tick();
        const keyValue = attributeOf(host, item, attribute ? rvStr(attribute) : undefined);
        const key =
          isString(keyValue) && !caseSensitive ? (keyValue.value as string).toLowerCase() : rvRepr(keyValue);
        const tagged = `${isString(keyValue) ? 's' : 'o'}:${key}`;
        if (seen.has(tagged)) continue;
        seen.add(tagged);
        out.push(item);
      }
      return list(out);
    },
  ],
  [
    'items',
    (_host, value) => {
      if (isUndefined(value)) return list([]);
      if (!isContainer(value))
        throw new TemplateError('render_error', `TypeError: Can only get item pairs from a mapping.`);
      return list([...(value.value as Map<string, RV>)].map(([k, v]) => tuple([str(k), v])));
    },
  ],
  [
    'dictsort',
    (_host, value, args, kwargs) => {
      if (!isContainer(value)) return undefined;
      const caseSensitive = argBool(args, kwargs, 0, 'case_sensitive', false);
      const by = argStr(args, kwargs, 1, 'by', 'key');
      const reverse = argBool(args, kwargs, 2, 'reverse', false);
      if (by !== 'key' && by !== 'value') throw filterError('You can only sort by either "key" or "value"');
      const key = (v: RV): RV => (isString(v) && !caseSensitive ? str((v.value as string).toLowerCase()) : v);
      const pairs = [...(value.value as Map<string, RV>)].map(([k, v]) => tuple([str(k), v]));
      pairs.sort((a, b) => {
        const i = by === 'key' ? 0 : 1;
        const c = compare(key((a.value as RV[])[i]!), key((b.value as RV[])[i]!));
        return reverse ? -c : c;
      });
      return list(pairs);
    },
  ],
  [
    'count',
    (host, value, args, kwargs, env): RV | undefined =>
      FILTERS.get('length')!(host, value, args, kwargs, env),
  ],
]);
