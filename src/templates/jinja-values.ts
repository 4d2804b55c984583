/**
 * Access to @huggingface/jinja's runtime value classes (the package exports only the
 * interpreter, so we obtain the constructors from values it creates), plus Python's str()/repr()
 * of runtime values — the engine prints JSON ("true", '["a"]') where Jinja prints Python.
 */
import { Environment } from '@huggingface/jinja';
import { pyFloatRepr } from './python-number.ts';
import { pyIntText, pyStringRepr } from './python-values.ts';

/** Structural view of the engine's RuntimeValue. */
export interface RV {
  type: string;
  value: any;
  __bool__(): { value: boolean };
  readonly builtins: ReadonlyMap<string, RV>;
  toString(): string;
}
type RVClass = new (value?: any) => RV;

const probe = new Environment();
let probeCount = 0;
const classOf = (sample: unknown): RVClass =>
  probe.set(`probe${probeCount++}`, sample).constructor as RVClass;

export const StringValue = classOf('');
export const IntegerValue = classOf(1);
export const FloatValue = classOf(1.5);
export const BooleanValue = classOf(true);
export const NullValue = classOf(null);
export const UndefinedValue = classOf(undefined);
export const ArrayValue = classOf([]);
export const ObjectValue = classOf({});
export const FunctionValue = classOf(() => null);

/** Python tuples (printed with parentheses); the engine's own TupleValue is not exported. */
class TupleValue extends (ArrayValue as new (value?: any) => RV) {
  override type = 'TupleValue';
}
export const tuple = (items: RV[]): RV => new TupleValue(items);

/** Converts plain data to a runtime value without declaring anything in a real scope. */
export function toRuntime(value: unknown): RV {
  const scratch = new Environment();
  return scratch.set('value', value) as unknown as RV;
}

export const str = (s: string): RV => new StringValue(s);
export const int = (n: number): RV => new IntegerValue(n);
export const float = (n: number): RV => new FloatValue(n);
export const bool = (b: boolean): RV => new BooleanValue(b);
export const none = (): RV => new NullValue(null);
export const undef = (): RV => new UndefinedValue(undefined);
export const list = (items: RV[]): RV => new ArrayValue(items);
export const dict = (entries: Map<string, RV>): RV => new ObjectValue(entries);
export const fn = (f: (args: RV[], scope: Environment) => RV): RV => new FunctionValue(f);

export const isString = (v: RV): boolean => v.type === 'StringValue';
export const isInt = (v: RV): boolean => v.type === 'IntegerValue';
export const isFloat = (v: RV): boolean => v.type === 'FloatValue';
export const isNumber = (v: RV): boolean => isInt(v) || isFloat(v);
export const isBool = (v: RV): boolean => v.type === 'BooleanValue';
export const isNone = (v: RV): boolean => v.type === 'NullValue';
export const isUndefined = (v: RV): boolean => v.type === 'UndefinedValue';
export const isList = (v: RV): boolean => v.type === 'ArrayValue' || v.type === 'TupleValue';
export const isMapping = (v: RV): boolean => v.type === 'ObjectValue' || v.type === 'KeywordArgumentsValue';
export const isContainer = (v: RV): boolean => isMapping(v) || v.type === 'NamespaceValue';

/** Python's repr() of a runtime value. */
export function rvRepr(v: RV): string {
  switch (v.type) {
    case 'StringValue':
      return pyStringRepr(v.value as string);
    case 'IntegerValue':
      return pyIntText(v.value as number);
    case 'FloatValue':
      return pyFloatRepr(v.value as number);
    case 'BooleanValue':
      return v.value ? 'True' : 'False';
    case 'NullValue':
      return 'None';
    case 'UndefinedValue':
      return '';
    case 'ArrayValue':
      return `[${(v.value as RV[]).map(rvRepr).join(', ')}]`;
    case 'TupleValue': {
      const items = (v.value as RV[]).map(rvRepr);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
    case 'NamespaceValue': {
      const body = [...(v.value as Map<string, RV>).entries()].map(
        ([k, item]) => `${pyStringRepr(k)}: ${rvRepr(item)}`,
      );
      const text = `{${body.join(', ')}}`;
      return v.type === 'NamespaceValue' ? `<Namespace ${text}>` : text;
    }
    default:
      return '';
  }
}

/** Python's str() of a runtime value (what `{{ x }}` prints); undefined prints as ''. */
export function rvStr(v: RV): string {
  return v.type === 'StringValue' ? (v.value as string) : rvRepr(v);
}

/** Python equality on runtime values (1 == 1.0 == True, deep for containers). */
export function pyEquals(a: RV, b: RV): boolean {
  const numeric = (v: RV): boolean => isNumber(v) || isBool(v);
  if (numeric(a) && numeric(b)) return Number(a.value) === Number(b.value);
  if (isList(a) && isList(b)) {
    const x = a.value as RV[];
    const y = b.value as RV[];
    return x.length === y.length && x.every((item, i) => pyEquals(item, y[i]!));
  }
  if (isContainer(a) && isContainer(b)) {
    const x = a.value as Map<string, RV>;
    const y = b.value as Map<string, RV>;
    if (x.size !== y.size) return false;
    for (const [k, item] of x) {
      const other = y.get(k);
      if (!other || !pyEquals(item, other)) return false;
    }
    return true;
  }
  if (a.type !== b.type) return false;
  if (isString(a) || isNone(a) || isUndefined(a)) return a.value === b.value;
  return a === b;
}

/** Converts a runtime value back to plain data (floats lose their float-ness). */
export function toPlain(v: RV): unknown {
  if (isList(v)) return (v.value as RV[]).map(toPlain);
  if (isContainer(v)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, item] of v.value as Map<string, RV>) out[k] = toPlain(item);
    return out;
  }
  if (isUndefined(v) || v.type === 'FunctionValue') return undefined;
  return v.value;
}
