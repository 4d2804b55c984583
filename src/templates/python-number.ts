/**
 * Exact decimal formatting of IEEE doubles with Python's rules.
 *
 * JS `toFixed` rounds exact ties away from zero and gives up past 1e21; Python rounds the exact
 * binary value half-to-even at any magnitude. We expand the double into its exact decimal digits
 * (via BigInt) and round the digit string ourselves.
 */

/** |x| = 0.DIGITS × 10^point, DIGITS without leading or trailing zeros ('' for zero). */
interface Decimal {
  digits: string;
  point: number;
}

function exactDecimal(x: number): Decimal {
  const abs = Math.abs(x);
  if (abs === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biased === 0) {
    exp2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  let text: string;
  let point: number;
  if (exp2 >= 0) {
    text = (mantissa << BigInt(exp2)).toString();
    point = text.length;
  } else {
    text = (mantissa * 5n ** BigInt(-exp2)).toString();
    point = text.length + exp2;
  }
  return { digits: text.replace(/0+$/, ''), point };
}

/** Keeps `keep` leading digits, rounding half-to-even on the exact value. */
function roundTo(d: Decimal, keep: number): Decimal {
  if (keep >= d.digits.length) return d;
  if (keep < 0 || d.digits === '') return { digits: '', point: d.point };
  const next = d.digits.charCodeAt(keep) - 48;
  const restNonZero = keep + 1 < d.digits.length;
  let kept = d.digits.slice(0, keep);
  const lastOdd = keep > 0 && (kept.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || lastOdd));
  if (!up) return { digits: kept.replace(/0+$/, ''), point: d.point };
  // Increment the kept digits as a decimal string.
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === '9') i--;
  if (i < 0) return { digits: '1', point: d.point + 1 };
  kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
  return { digits: kept, point: d.point };
}

/** Digits with the decimal point after `point` of them, split into integer part and fraction. */
function splitDigits(digits: string, point: number): { int: string; frac: string } {
  if (point <= 0) return { int: '0', frac: '0'.repeat(-point) + digits };
  return { int: digits.slice(0, point).padEnd(point, '0'), frac: digits.slice(point) };
}

/** Integer part and fraction of a rounded decimal, fraction padded to `precision`. */
function splitFixed(d: Decimal, precision: number): { int: string; frac: string } {
  const { int, frac } = splitDigits(d.digits, d.point);
  return { int: int || '0', frac: frac.padEnd(precision, '0').slice(0, precision) };
}

export interface FloatParts {
  /** Digits before the decimal point (never grouped here). */
  int: string;
  /** Everything after the integer digits: '.', fraction, exponent. */
  rest: string;
  isZero: boolean;
}

export function fixedParts(x: number, precision: number, alternate: boolean): FloatParts {
  const d = roundTo(exactDecimal(x), exactDecimal(x).point + precision);
  const { int, frac } = splitFixed(d, precision);
  const rest = precision > 0 ? `.${frac}` : alternate ? '.' : '';
  return { int, rest, isZero: d.digits === '' };
}

function exponentText(exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  return `e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

export function exponentParts(x: number, precision: number, alternate: boolean): FloatParts {
  const d = roundTo(exactDecimal(x), precision + 1);
  if (d.digits === '') {
    const frac = precision > 0 ? `.${'0'.repeat(precision)}` : alternate ? '.' : '';
    return { int: '0', rest: `${frac}e+00`, isZero: true };
  }
  const all = d.digits.padEnd(precision + 1, '0');
  const frac = precision > 0 ? `.${all.slice(1)}` : alternate ? '.' : '';
  return { int: all[0]!, rest: frac + exponentText(d.point - 1), isZero: false };
}

/** Python's 'g': fixed or exponent by magnitude, trailing zeros dropped unless '#'. */
export function generalParts(
  x: number,
  precision: number,
  alternate: boolean,
  addDotZero: boolean,
): FloatParts {
  const p = precision === 0 ? 1 : precision;
  const d = roundTo(exactDecimal(x), p);
  const exp = d.digits === '' ? 0 : d.point - 1;
  let parts: FloatParts;
  // With no presentation type (addDotZero) CPython switches to exponent one digit earlier.
  const fixedBelow = addDotZero ? p - 1 : p;
  if (exp >= -4 && exp < fixedBelow) parts = fixedParts(x, p - 1 - exp, alternate);
  else parts = exponentParts(x, p - 1, alternate);
  if (!alternate) parts = { ...parts, rest: stripZeros(parts.rest) };
  if (addDotZero && !parts.rest.includes('.') && !parts.rest.includes('e'))
    parts = { ...parts, rest: `.0${parts.rest}` };
  return parts;
}

function stripZeros(rest: string): string {
  const e = rest.indexOf('e');
  let mant = e >= 0 ? rest.slice(0, e) : rest;
  const tail = e >= 0 ? rest.slice(e) : '';
  if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  return mant + tail;
}

/** Python's repr(float): shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function reprParts(x: number): FloatParts {
  if (x === 0) return { int: '0', rest: '.0', isZero: true };
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    const { int, frac } = splitDigits(digits, exp + 1);
    return { int, rest: `.${frac === '' ? '0' : frac}`, isZero: false };
  }
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return { int: digits[0]!, rest: frac + exponentText(exp), isZero: false };
}

export function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const p = reprParts(x);
  return (isNegative(x) ? '-' : '') + p.int + p.rest;
}

/** Python's round(x, n) for floats: half-to-even on the exact binary value. */
export function pyRoundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  const d = exactDecimal(x);
  const r = roundTo(d, d.point + ndigits);
  if (r.digits === '') return isNegative(x) ? -0 : 0;
  const text = `${isNegative(x) ? '-' : ''}0.${r.digits}e${r.point}`;
  return Number(text);
}
