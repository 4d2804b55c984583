/**
 * Python's printf-style `%` formatting, for Jinja's `format` filter and the `%` operator on
 * strings (the engine has neither). Numeric conversions reuse the format-spec implementation.
 */
import { TemplateError } from './errors.ts';
import { formatValue, valueError } from './fstring-format-spec.ts';
import {
  isBool,
  isContainer,
  isFloat,
  isInt,
  isNumber,
  isString,
  rvRepr,
  rvStr,
  type RV,
} from './jinja-values.ts';
import { pyStringRepr } from './python-values.ts';

const CONVERSION = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/gy;

function typeError(message: string): TemplateError {
  return new TemplateError('render_error', `TypeError: ${message}`);
}

function pyType(v: RV): string {
  if (isString(v)) return 'str';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (isBool(v)) return 'bool';
  if (v.type === 'NullValue') return 'NoneType';
  if (v.type === 'ArrayValue') return 'list';
  if (v.type === 'TupleValue') return 'tuple';
  if (isContainer(v)) return 'dict';
  return 'object';
}

/** `format` % args where args is a tuple of values or, with %(name)s keys, a mapping. */
export function printf(format: string, args: RV[] | Map<string, RV>): string {
  let out = '';
  let pos = 0;
  let argIndex = 0;
  const positional = Array.isArray(args) ? args : [];
  const mapping = Array.isArray(args) ? undefined : args;
  const nextArg = (): RV => {
    if (argIndex >= positional.length) throw typeError('not enough arguments for format string');
    return positional[argIndex++]!;
  };
  while (pos < format.length) {
    const pct = format.indexOf('%', pos);
    if (pct < 0) {
      out += format.slice(pos);
      break;
    }
    out += format.slice(pos, pct);
    CONVERSION.lastIndex = pct;
    const m = CONVERSION.exec(format)!;
    const [whole, key, flags = '', widthText, precText, type = ''] = m;
    if (type === '') throw valueError('incomplete format');
    pos = pct + whole.length;
    if (type === '%' && whole === '%%') {
      out += '%';
      continue;
    }
    let value: RV;
    if (key !== undefined) {
      if (!mapping) throw typeError('format requires a mapping');
      const found = mapping.get(key);
      if (!found) throw new TemplateError('render_error', `KeyError: ${pyStringRepr(key)}`);
      value = found;
    } else {
      if (widthText === '*' || precText === '*') throw valueError("'*' width or precision is not supported");
      value = nextArg();
    }
    const width = widthText ? Number(widthText) : -1;
    const precision = precText !== undefined ? Number(precText) : -1;
    out += convert(value, type, flags, width, precision, pos - 1);
  }
  if (argIndex < positional.length) throw typeError('not all arguments converted during string formatting');
  return out;
}

function convert(
  value: RV,
  type: string,
  flags: string,
  width: number,
  precision: number,
  index: number,
): string {
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const alt = flags.includes('#') ? '#' : '';
  const widthText = width >= 0 ? String(width) : '';
  const padText = (text: string): string => {
    if (width <= text.length) return text;
    return left ? text.padEnd(width) : text.padStart(width);
  };
  switch (type) {
    case 's':
    case 'r':
    case 'a': {
      let text = type === 's' ? rvStr(value) : rvRepr(value);
      if (type === 'a')
        text = text.replace(
          /[^\x00-\x7f]/gu,
          (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`,
        );
      if (precision >= 0) text = Array.from(text).slice(0, precision).join('');
      return padText(text);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      if (!isNumber(value) && !isBool(value)) {
        const what =
          type === 'x' || type === 'X' || type === 'o'
            ? 'an integer is required'
            : 'a real number is required';
        throw typeError(`%${type} format: ${what}, not ${pyType(value)}`);
      }
      if (isFloat(value) && (type === 'x' || type === 'X' || type === 'o')) {
        throw typeError(`%${type} format: an integer is required, not float`);
      }
      const n = Math.trunc(Number(value.value));
      const spec = `${left ? '<' : ''}${sign}${alt}${zero ? '0' : ''}${widthText}${type === 'i' || type === 'u' ? 'd' : type}`;
      let text = formatValue(n, spec);
      if (precision > 0) {
        // %.Nd pads the digits themselves with zeros.
        text = text.replace(/\d+/, (digits) => digits.padStart(precision, '0'));
      }
      return text;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!isNumber(value) && !isBool(value)) throw typeError(`must be real number, not ${pyType(value)}`);
      const spec = `${left ? '<' : ''}${sign}${alt}${zero ? '0' : ''}${widthText}.${precision >= 0 ? precision : 6}${type}`;
      return formatValue(Number(value.value), spec);
    }
    case 'c': {
      if (isString(value) && Array.from(value.value as string).length === 1)
        return padText(value.value as string);
      if (isInt(value)) return padText(String.fromCodePoint(value.value as number));
      throw typeError('%c requires int or char');
    }
    default: {
      const cp = type.codePointAt(0)!;
      throw valueError(`unsupported format character '${type}' (0x${cp.toString(16)}) at index ${index}`);
    }
  }
}
