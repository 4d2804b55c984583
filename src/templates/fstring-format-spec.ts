/**
 * Python's format-spec mini-language (`[[fill]align][sign][z][#][0][width][grouping][.precision][type]`)
 * applied to JSON-decoded values, mirroring CPython's formatter_unicode.c, error messages included.
 * Used by f-string fields and Jinja's `format` filter.
 */
import { renderLimitError, TemplateError } from './errors.ts';
import {
  exponentParts,
  fixedParts,
  generalParts,
  isNegative,
  reprParts,
  type FloatParts,
} from './python-number.ts';
import { pyStr, pyTypeName } from './python-values.ts';

export interface FormatSpec {
  fill: string;
  align: '<' | '>' | '^' | '=' | '';
  sign: '+' | '-' | ' ' | '';
  noNegZero: boolean;
  alternate: boolean;
  width: number;
  grouping: ',' | '_' | '';
  precision: number;
  type: string;
  fillSpecified: boolean;
  alignSpecified: boolean;
}

/** Largest width/precision honoured; larger ones would only build huge strings. */
export const MAX_SPEC_NUMBER = 1 << 22;

export function valueError(message: string): TemplateError {
  return new TemplateError('render_error', `ValueError: ${message}`);
}

function isAlign(c: string | undefined): c is '<' | '>' | '^' | '=' {
  return c === '<' || c === '>' || c === '^' || c === '=';
}

/** Parses a spec; `defaultAlign` is '<' for strings and '>' for numbers, as in CPython. */
export function parseFormatSpec(spec: string, defaultAlign: '<' | '>', typeName: string): FormatSpec {
  const chars = Array.from(spec);
  const f: FormatSpec = {
    fill: ' ',
    align: '',
    sign: '',
    noNegZero: false,
    alternate: false,
    width: -1,
    grouping: '',
    precision: -1,
    type: '',
    fillSpecified: false,
    alignSpecified: false,
  };
  let pos = 0;
  if (chars.length >= 2 && isAlign(chars[1])) {
    f.fill = chars[0]!;
    f.align = chars[1];
    f.fillSpecified = f.alignSpecified = true;
    pos = 2;
  } else if (chars.length >= 1 && isAlign(chars[0])) {
    f.align = chars[0];
    f.alignSpecified = true;
    pos = 1;
  }
  const c = (): string | undefined => chars[pos];
  if (c() === '+' || c() === '-' || c() === ' ') f.sign = chars[pos++] as '+' | '-' | ' ';
  if (c() === 'z') {
    f.noNegZero = true;
    pos++;
  }
  if (c() === '#') {
    f.alternate = true;
    pos++;
  }
  if (!f.fillSpecified && c() === '0') {
    f.fill = '0';
    if (!f.alignSpecified && defaultAlign === '>') f.align = '=';
    pos++;
  }
  const readInt = (): number => {
    let text = '';
    while (pos < chars.length && /[0-9]/.test(chars[pos]!)) text += chars[pos++];
    if (text === '') return -1;
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw valueError('Too many decimal digits in format string');
    // Widths and precisions allocate that many characters: refuse absurd ones before allocating.
    if (n > MAX_SPEC_NUMBER)
      throw renderLimitError(`format width or precision ${n} exceeds ${MAX_SPEC_NUMBER}`);
    return n;
  };
  f.width = readInt();
  if (c() === ',') {
    f.grouping = ',';
    pos++;
  }
  if (c() === '_') {
    if (f.grouping) throw valueError("Cannot specify both ',' and '_'.");
    f.grouping = '_';
    pos++;
  }
  if (c() === ',' && f.grouping === '_') throw valueError("Cannot specify both ',' and '_'.");
  if (c() === '.') {
    pos++;
    f.precision = readInt();
    if (f.precision < 0) throw valueError('Format specifier missing precision');
  }
  if (chars.length - pos > 1)
    throw valueError(`Invalid format specifier '${spec}' for object of type '${typeName}'`);
  if (chars.length - pos === 1) f.type = chars[pos]!;
  if (f.grouping) {
    const allowed = 'defgEGF%'.includes(f.type) || f.type === '';
    const underscoreRadix = f.grouping === '_' && 'boxX'.includes(f.type) && f.type !== '';
    if (!allowed && !underscoreRadix) {
      const cp = f.type.codePointAt(0)!;
      const shown = cp > 32 && cp < 128 ? `'${f.type}'` : `'\\x${cp.toString(16)}'`;
      throw valueError(`Cannot specify '${f.grouping}' with ${shown}.`);
    }
  }
  return f;
}

const cpLength = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) n++;
  }
  return n;
};

function pad(body: string, f: FormatSpec, defaultAlign: '<' | '>', splitAt = 0): string {
  const len = cpLength(body);
  if (f.width <= len) return body;
  const n = f.width - len;
  const align = f.align || defaultAlign;
  if (align === '<') return body + f.fill.repeat(n);
  if (align === '>') return f.fill.repeat(n) + body;
  if (align === '^') {
    const left = Math.floor(n / 2);
    return f.fill.repeat(left) + body + f.fill.repeat(n - left);
  }
  return body.slice(0, splitAt) + f.fill.repeat(n) + body.slice(splitAt);
}

export function formatString(value: string, spec: string, typeName = 'str'): string {
  if (spec === '') return value;
  const f = parseFormatSpec(spec, '<', typeName);
  // Strings default to type 's', which CPython checks against grouping while parsing.
  if (f.grouping && f.type === '') throw valueError(`Cannot specify '${f.grouping}' with 's'.`);
  if (f.type !== '' && f.type !== 's') throw unknownCode(f.type, typeName);
  if (f.sign === ' ') throw valueError('Space not allowed in string format specifier');
  if (f.sign) throw valueError('Sign not allowed in string format specifier');
  if (f.noNegZero) throw valueError('Negative zero coercion (z) not allowed in string format specifier');
  if (f.alternate) throw valueError('Alternate form (#) not allowed in string format specifier');
  if (f.align === '=') throw valueError("'=' alignment not allowed in string format specifier");
  let body = value;
  if (f.precision >= 0) body = Array.from(value).slice(0, f.precision).join('');
  return pad(body, f, '<');
}

function unknownCode(type: string, typeName: string): TemplateError {
  const cp = type.codePointAt(0)!;
  const shown = cp > 32 && cp < 128 ? `'${type}'` : `'\\x${cp.toString(16)}'`;
  return valueError(`Unknown format code ${shown} for object of type '${typeName}'`);
}

/** Inserts grouping separators, zero-padding the digits to `minWidth` like CPython does. */
function groupDigits(digits: string, sep: string, size: number, minWidth: number): string {
  if (!sep) return digits.padStart(minWidth, '0');
  const out: string[] = [];
  let remaining = digits.length;
  let width = minWidth;
  let useSep = false;
  for (;;) {
    const l = Math.min(size, Math.max(remaining, width, 1));
    const zeros = Math.max(0, l - remaining);
    const take = Math.max(0, Math.min(remaining, l));
    out.unshift('0'.repeat(zeros) + digits.slice(remaining - take, remaining) + (useSep ? sep : ''));
    useSep = true;
    remaining -= take;
    width -= l;
    if (remaining <= 0 && width <= 0) break;
    width -= sep.length;
  }
  return out.join('');
}

/** Lays out sign, prefix, grouped digits and the rest, then pads. */
function layoutNumber(
  f: FormatSpec,
  negative: boolean,
  prefix: string,
  intDigits: string,
  rest: string,
  groupSize: number,
): string {
  const sign = negative ? '-' : f.sign === '+' ? '+' : f.sign === ' ' ? ' ' : '';
  const lead = sign + prefix;
  const zeroFill = f.fill === '0' && f.align === '=';
  const minWidth = zeroFill ? Math.max(0, f.width - cpLength(lead) - cpLength(rest)) : 0;
  const grouped = groupDigits(intDigits, f.grouping, groupSize, minWidth);
  return pad(lead + grouped + rest, f, '>', lead.length);
}

export function formatInt(value: number, spec: string, typeName = 'int'): string {
  if (spec === '') return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  const f = parseFormatSpec(spec, '>', typeName);
  const type = f.type;
  if ('eEfFgG%'.includes(type) && type !== '') return formatFloatWith(value, f, typeName);
  if (type !== '' && !'bcdoxXn'.includes(type)) throw unknownCode(type, typeName);
  if (f.precision >= 0) throw valueError('Precision not allowed in integer format specifier');
  if (f.noNegZero) throw valueError('Negative zero coercion (z) not allowed in integer format specifier');
  const big = BigInt(value);
  const negative = big < 0n;
  const abs = negative ? -big : big;
  if (type === 'c') {
    if (f.sign) throw valueError("Sign not allowed with integer format specifier 'c'");
    if (f.alternate) throw valueError("Alternate form (#) not allowed with integer format specifier 'c'");
    if (big < 0n || big > 0x10ffffn)
      throw new TemplateError('render_error', 'OverflowError: %c arg not in range(0x110000)');
    return pad(String.fromCodePoint(Number(big)), f, '>', 0);
  }
  const radix = type === 'b' ? 2 : type === 'o' ? 8 : type === 'x' || type === 'X' ? 16 : 10;
  let digits = abs.toString(radix);
  if (type === 'X') digits = digits.toUpperCase();
  const prefix =
    f.alternate && radix !== 10 ? `0${type === '' || type === 'd' || type === 'n' ? '' : type}` : '';
  return layoutNumber(f, negative, prefix, digits, '', radix === 10 ? 3 : 4);
}

export function formatFloat(value: number, spec: string, typeName = 'float'): string {
  if (spec === '') return floatBody(value, reprParts(value), '');
  const f = parseFormatSpec(spec, '>', typeName);
  if (f.type !== '' && !'eEfFgGn%'.includes(f.type)) throw unknownCode(f.type, typeName);
  return formatFloatWith(value, f, typeName);
}

function floatBody(value: number, parts: FloatParts, sign: string): string {
  return (isNegative(value) ? '-' : sign) + parts.int + parts.rest;
}

function formatFloatWith(value: number, f: FormatSpec, _typeName: string): string {
  let type = f.type;
  let x = value;
  let suffix = '';
  if (type === 'n') type = 'g';
  if (type === '%') {
    x = x * 100;
    suffix = '%';
    type = 'f';
  }
  const upper = type === 'E' || type === 'F' || type === 'G';
  let parts: FloatParts;
  if (!Number.isFinite(x)) {
    const text = Number.isNaN(x) ? 'nan' : 'inf';
    parts = { int: upper ? text.toUpperCase() : text, rest: '', isZero: false };
    const negative = !Number.isNaN(x) && x < 0;
    return layoutNumber({ ...f, grouping: '' }, negative, '', parts.int, suffix, 3);
  }
  const precision = f.precision;
  if (type === '') {
    parts = precision < 0 ? reprParts(x) : generalParts(x, precision, f.alternate, true);
  } else if (type === 'f' || type === 'F') {
    parts = fixedParts(x, precision < 0 ? 6 : precision, f.alternate);
  } else if (type === 'e' || type === 'E') {
    parts = exponentParts(x, precision < 0 ? 6 : precision, f.alternate);
  } else {
    parts = generalParts(x, precision < 0 ? 6 : precision, f.alternate, false);
  }
  let rest = parts.rest + suffix;
  if (upper) rest = rest.toUpperCase();
  let negative = isNegative(x);
  if (negative && f.noNegZero && parts.isZero) negative = false;
  return layoutNumber(f, negative, '', parts.int, rest, 3);
}

/** format(value, spec) for JSON-decoded values, as Python's built-in format() would do it. */
export function formatValue(value: unknown, spec: string): string {
  const typeName = pyTypeName(value);
  if (typeof value === 'string') return formatString(value, spec);
  if (typeof value === 'boolean') {
    // bool inherits int.__format__, which only uses str() for an empty spec.
    return spec === '' ? (value ? 'True' : 'False') : formatInt(value ? 1 : 0, spec, 'bool');
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Object.is(value, -0)
      ? formatInt(value, spec)
      : formatFloat(value, spec);
  }
  if (spec !== '') {
    throw new TemplateError(
      'render_error',
      `TypeError: unsupported format string passed to ${typeName}.__format__`,
    );
  }
  return pyStr(value);
}
