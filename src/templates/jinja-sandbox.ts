/**
 * A bounded, sandboxed @huggingface/jinja interpreter.
 *
 * Every AST node the engine evaluates goes through `evaluate`, including the engine's own
 * recursive calls, so overriding it gives one choke point that counts steps, watches a deadline
 * and measures every value produced (string length, container size). Operations that could do a
 * lot of work inside a single step (`range`, `*` repetition, `~`, `replace`, `indent`, …) are
 * handled here with their cost checked *before* allocating. Attribute access is re-implemented so
 * that only data keys and the engine's own builtins are reachable; names that could lead to JS
 * internals fail closed.
 */
import { Environment, Interpreter } from '@huggingface/jinja';

// The package's .d.ts files import siblings without extensions, which NodeNext resolution cannot
// follow, so its classes type as `any`; describe the parts we use.
interface EngineInterpreter {
  run(program: unknown): unknown;
  evaluate(statement: unknown, environment: Environment): unknown;
}
const EngineInterpreterClass = Interpreter as unknown as new (env: Environment) => EngineInterpreter;
import { renderDeadlineError, renderLimitError, TemplateError } from './errors.ts';
import { FILTERS, type FilterHost } from './jinja-filters.ts';
import { printf } from './jinja-printf.ts';
import {
  bool,
  dict,
  float,
  fn,
  int,
  isBool,
  isContainer,
  isFloat,
  isInt,
  isList,
  isMapping,
  isNumber,
  isString,
  isUndefined,
  list,
  pyEquals,
  rvStr,
  str,
  toRuntime,
  undef,
  type RV,
} from './jinja-values.ts';

export interface JinjaLimits {
  maxOutputChars: number;
  maxSteps: number;
  /** Absolute deadline (performance.now() timestamp). */
  deadline: number;
  /** Largest single value (chars + container entries) a template may build. */
  maxValueWeight: number;
}

type Node = { type: string; [key: string]: any };

/** Attribute names that lead to JS or Python internals; data keys with these names still resolve. */
const UNSAFE_NAMES = new Set([
  'constructor',
  'prototype',
  'caller',
  'callee',
  'arguments',
  'apply',
  'call',
  'bind',
  'valueOf',
  'toString',
  'toLocaleString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'mro',
  'func_globals',
  'func_code',
  'func_closure',
  'gi_frame',
  'gi_code',
  'cr_frame',
  'cr_code',
  'ag_frame',
  'ag_code',
  'f_globals',
  'f_locals',
  'tb_frame',
]);

export function isUnsafeAttribute(name: string): boolean {
  return name.startsWith('_') || UNSAFE_NAMES.has(name);
}

// A step of this interpreter costs microseconds (tens of them on a loaded machine) against tens of
// nanoseconds for reading the clock, so it is read every few steps: a render stops within a
// fraction of a millisecond of its deadline (every 256 steps it could overrun it by 10 ms and more).
const CHECK_EVERY = 8;

/** Node types whose value is printed when they appear as a statement. */
const SILENT_STATEMENTS = new Set(['Set', 'Macro', 'Comment']);

export class BoundedInterpreter extends EngineInterpreterClass implements FilterHost {
  steps = 0;
  readonly limits: JinjaLimits;
  private readonly weights = new WeakMap<object, number>();

  constructor(env: Environment, limits: JinjaLimits) {
    super(env);
    this.limits = limits;
  }

  /** Raises render_limit when the step budget or the deadline is exhausted. */
  tick(cost = 1): void {
    this.steps += cost;
    if (this.steps > this.limits.maxSteps)
      throw renderLimitError(`more than ${this.limits.maxSteps} evaluation steps`);
    if (this.steps % CHECK_EVERY < cost || cost >= CHECK_EVERY) {
      if (performance.now() > this.limits.deadline) throw renderDeadlineError('time limit exceeded');
    }
  }

  /** Refuses to build a string or container larger than the budget (called before allocating). */
  ensureSize(size: number, what = 'value'): void {
    if (size > this.limits.maxValueWeight)
      throw renderLimitError(`${what} would exceed ${this.limits.maxValueWeight} characters`);
  }

  weight(v: RV): number {
    if (isString(v)) return (v.value as string).length;
    if (!isList(v) && !isContainer(v)) return 1;
    const cached = this.weights.get(v);
    if (cached !== undefined) return cached;
    let total = 1;
    if (isList(v)) for (const item of v.value as RV[]) total += this.weight(item);
    else for (const [k, item] of v.value as Map<string, RV>) total += k.length + this.weight(item);
    this.weights.set(v, total);
    return total;
  }

  override evaluate(statement: any, environment: Environment): any {
    this.tick();
    const node = statement as Node | undefined;
    let result: RV;
    switch (node?.type) {
      case 'MemberExpression':
        result = this.evaluateMember(node, environment);
        break;
      case 'FilterExpression':
        result = this.applyNamedFilter(
          this.evaluate(node.operand, environment) as RV,
          node.filter,
          environment,
        );
        break;
      case 'FilterStatement':
        result = this.applyNamedFilter(this.renderBlock(node.body, environment), node.filter, environment);
        break;
      case 'BinaryExpression':
        result = this.evaluateBinary(node, environment);
        break;
      case 'For':
        result = this.evaluateLoop(node, environment);
        break;
      case 'RuntimeValue':
        // Synthetic node used by filters such as `map` to pass an already evaluated value.
        result = node.value as RV;
        break;
      default:
        result = super.evaluate(statement, environment) as unknown as RV;
    }
    this.ensureSize(this.weight(result));
    return result;
  }

  /** Renders a statement list the way Jinja prints: Python str() of each expression. */
  renderBlock(statements: Node[], environment: Environment): RV {
    let out = '';
    for (const statement of statements) {
      const value = this.evaluate(statement, environment) as RV;
      if (SILENT_STATEMENTS.has(statement.type) || isUndefined(value)) continue;
      out += rvStr(value);
      if (out.length > this.limits.maxOutputChars)
        throw renderLimitError(`output exceeds ${this.limits.maxOutputChars} characters`);
    }
    return str(out);
  }

  /**
   * `{% for %}`, replacing the engine's: that one builds a scope per item before iterating,
   * outside any budget check, and lacks loop.cycle/depth and Python's `else` rule (the `else`
   * block runs only when there was nothing to iterate).
   */
  private evaluateLoop(node: Node, environment: Environment): RV {
    const scope = new Environment(environment);
    const filtered = node.iterable.type === 'SelectExpression';
    const source = this.evaluate(filtered ? node.iterable.lhs : node.iterable, scope) as RV;
    let items: RV[];
    if (isList(source)) items = source.value as RV[];
    else if (isContainer(source)) items = [...(source.value as Map<string, RV>).keys()].map(str);
    else if (isString(source)) items = Array.from(source.value as string, str);
    else if (isUndefined(source)) items = [];
    else throw new TemplateError('render_error', `TypeError: '${typeLabel(source)}' object is not iterable`);
    const bind = (target: Environment, item: RV): void => {
      const loopvar = node.loopvar as Node;
      if (loopvar.type === 'Identifier') {
        target.setVariable(loopvar.value as string, item as never);
        return;
      }
      const names = loopvar.value as Node[];
      const parts = isList(item)
        ? (item.value as RV[])
        : isString(item)
          ? Array.from(item.value as string, str)
          : undefined;
      if (!parts)
        throw new TemplateError(
          'render_error',
          `TypeError: cannot unpack non-iterable ${typeLabel(item)} object`,
        );
      if (parts.length !== names.length) {
        throw new TemplateError(
          'render_error',
          `ValueError: ${parts.length > names.length ? 'too many' : 'not enough'} values to unpack (expected ${names.length}, got ${parts.length})`,
        );
      }
      names.forEach((n, i) => target.setVariable(n.value as string, parts[i]! as never));
    };
    if (filtered) {
      items = items.filter((item) => {
        this.tick();
        const testScope = new Environment(scope);
        bind(testScope, item);
        return (this.evaluate(node.iterable.test, testScope) as RV).__bool__().value;
      });
    }
    let out = '';
    const length = items.length;
    for (let i = 0; i < length; i++) {
      this.tick();
      const loop = new Map<string, RV>([
        ['index', int(i + 1)],
        ['index0', int(i)],
        ['revindex', int(length - i)],
        ['revindex0', int(length - i - 1)],
        ['first', bool(i === 0)],
        ['last', bool(i === length - 1)],
        ['length', int(length)],
        ['depth', int(1)],
        ['depth0', int(0)],
        ['previtem', i > 0 ? items[i - 1]! : undef()],
        ['nextitem', i < length - 1 ? items[i + 1]! : undef()],
        ['cycle', loopCycle(i)],
      ]);
      scope.setVariable('loop', dict(loop) as never);
      bind(scope, items[i]!);
      try {
        out += this.renderBlock(node.body as Node[], scope).value as string;
      } catch (err) {
        const control = err instanceof Error ? err.constructor.name : '';
        if (control === 'ContinueControl') continue;
        if (control === 'BreakControl') break;
        throw err;
      }
      if (out.length > this.limits.maxOutputChars)
        throw renderLimitError(`output exceeds ${this.limits.maxOutputChars} characters`);
    }
    if (length === 0) out += this.renderBlock((node.defaultBlock ?? []) as Node[], scope).value as string;
    return str(out);
  }

  evaluateArgs(args: Node[], environment: Environment): [RV[], Map<string, RV>] {
    return (this as any).evaluateArguments(args, environment) as [RV[], Map<string, RV>];
  }

  private evaluateMember(node: Node, environment: Environment): RV {
    const object = this.evaluate(node.object, environment) as RV;
    if (node.computed && node.property.type === 'SliceExpression') {
      return (this as any).evaluateSliceExpression(object, node.property, environment) as RV;
    }
    let key: RV;
    if (node.computed) key = this.evaluate(node.property, environment) as RV;
    else if (node.property.type === 'IntegerLiteral') key = int(node.property.value as number);
    else key = str(node.property.value as string);
    return this.getAttribute(object, key);
  }

  /** Jinja's getattr/getitem for data: own keys first, then the engine's builtin methods. */
  getAttribute(object: RV, key: RV): RV {
    if (isContainer(object)) {
      if (!isString(key)) return undef();
      const name = key.value as string;
      const own = (object.value as Map<string, RV>).get(name);
      if (own) return own;
      this.assertSafe(object, name);
      return (isMapping(object) ? object.builtins.get(name) : undefined) ?? undef();
    }
    if (isList(object) || isString(object)) {
      if (isInt(key) || isBool(key)) {
        const items = object.value as RV[] | string;
        const item = items.at(Number(key.value));
        if (item === undefined) return undef();
        return typeof item === 'string' ? str(item) : item;
      }
      if (!isString(key)) return undef();
      const name = key.value as string;
      this.assertSafe(object, name);
      if (isString(object) && name === 'replace') return this.boundedReplace(object.value as string);
      return object.builtins.get(name) ?? undef();
    }
    if (isString(key)) {
      this.assertSafe(object, key.value as string);
      return object.builtins.get(key.value as string) ?? undef();
    }
    return undef();
  }

  private assertSafe(object: RV, name: string): void {
    if (isUnsafeAttribute(name)) {
      throw new TemplateError(
        'render_error',
        `SecurityError: access to attribute '${name}' of '${typeLabel(object)}' object is unsafe`,
      );
    }
  }

  /** str.replace with the result size checked first (replacing '' in a long string explodes). */
  boundedReplace(source: string): RV {
    return fn((args) => {
      const [oldV, newV, countV] = args;
      if (!oldV || !newV || !isString(oldV) || !isString(newV))
        throw new TemplateError('render_error', 'TypeError: replace() arguments must be strings');
      const limit =
        countV && isInt(countV) && (countV.value as number) >= 0 ? (countV.value as number) : Infinity;
      return str(this.replace(source, oldV.value as string, newV.value as string, limit));
    });
  }

  replace(source: string, oldText: string, newText: string, limit: number): string {
    let occurrences = 0;
    if (oldText === '') occurrences = Array.from(source).length + 1;
    else
      for (let i = source.indexOf(oldText); i >= 0; i = source.indexOf(oldText, i + oldText.length))
        occurrences++;
    occurrences = Math.min(occurrences, limit);
    this.ensureSize(source.length + occurrences * (newText.length - oldText.length), 'replace() result');
    this.tick(Math.ceil(source.length / 64));
    if (occurrences === 0) return source;
    if (oldText === '') {
      const chars = Array.from(source);
      let out = '';
      for (let i = 0; i < chars.length + 1; i++) {
        if (i < occurrences) out += newText;
        if (i < chars.length) out += chars[i];
      }
      return out;
    }
    let done = 0;
    return source
      .split(oldText)
      .reduce(
        (acc, part, i) => (i === 0 ? part : acc + (done++ < occurrences ? newText : oldText) + part),
        '',
      );
  }

  private evaluateBinary(node: Node, environment: Environment): RV {
    const op = node.operator.value as string;
    if (op === 'and' || op === 'or') return super.evaluate(node as any, environment) as unknown as RV;
    const left = this.evaluate(node.left, environment) as RV;
    const right = this.evaluate(node.right, environment) as RV;
    switch (op) {
      case '~': {
        const a = rvStr(left);
        const b = rvStr(right);
        this.ensureSize(a.length + b.length, 'string');
        return str(a + b);
      }
      case '==':
        return bool(pyEquals(left, right));
      case '!=':
        return bool(!pyEquals(left, right));
      case 'in':
      case 'not in':
        if (isList(right)) {
          const found = (right.value as RV[]).some((item) => pyEquals(item, left));
          return bool(op === 'in' ? found : !found);
        }
        break;
      case '*': {
        const repeated = this.repeat(left, right) ?? this.repeat(right, left);
        if (repeated) return repeated;
        break;
      }
      case '+':
        if (isString(left) && isString(right)) {
          this.ensureSize((left.value as string).length + (right.value as string).length, 'string');
          return str((left.value as string) + (right.value as string));
        }
        if (isList(left) && isList(right)) {
          this.ensureSize((left.value as RV[]).length + (right.value as RV[]).length, 'list');
          return list([...(left.value as RV[]), ...(right.value as RV[])]);
        }
        break;
      case '%':
        if (isString(left)) {
          const args =
            right.type === 'TupleValue'
              ? (right.value as RV[])
              : isMapping(right)
                ? (right.value as Map<string, RV>)
                : [right];
          return str(printf(left.value as string, args));
        }
        return this.arithmetic(op, left, right);
      case '/':
      case '//':
        return this.arithmetic(op, left, right);
      case '<':
      case '>':
      case '<=':
      case '>=':
        if (isString(left) && isString(right)) {
          const a = left.value as string;
          const b = right.value as string;
          return bool(op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b);
        }
        break;
      default:
        break;
    }
    // Re-evaluating would double side effects and cost; hand the engine literal operands instead.
    return super.evaluate(
      { ...node, left: valueNode(left), right: valueNode(right) } as any,
      environment,
    ) as unknown as RV;
  }

  /** Python's modulo/floor division: result takes the divisor's sign; zero divisors raise. */
  private arithmetic(op: string, left: RV, right: RV): RV {
    const numeric = (v: RV): boolean => isNumber(v) || isBool(v);
    if (!numeric(left) || !numeric(right)) {
      throw new TemplateError('render_error', `TypeError: unsupported operand type(s) for ${op}`);
    }
    const a = Number(left.value);
    const b = Number(right.value);
    if (b === 0) throw new TemplateError('render_error', 'ZeroDivisionError: division by zero');
    if (op === '/') return float(a / b);
    const value = op === '//' ? Math.floor(a / b) : a - b * Math.floor(a / b);
    return isFloat(left) || isFloat(right) ? float(value) : int(value);
  }

  private repeat(seq: RV, times: RV): RV | undefined {
    if (!isInt(times) || !(isString(seq) || isList(seq))) return undefined;
    const n = Math.max(0, times.value as number);
    const unit = isString(seq) ? (seq.value as string).length : (seq.value as RV[]).length;
    this.ensureSize(unit * n, 'repetition');
    this.tick(Math.ceil((unit * n) / 64));
    if (isString(seq)) return str((seq.value as string).repeat(n));
    const out: RV[] = [];
    for (let i = 0; i < n; i++) out.push(...(seq.value as RV[]));
    return list(out);
  }

  applyNamedFilter(operand: RV, filterNode: Node, environment: Environment): RV {
    const name: string | undefined =
      filterNode.type === 'Identifier'
        ? filterNode.value
        : filterNode.type === 'CallExpression' && filterNode.callee.type === 'Identifier'
          ? filterNode.callee.value
          : undefined;
    const own = name !== undefined ? FILTERS.get(name) : undefined;
    if (own) {
      const [args, kwargs] =
        filterNode.type === 'CallExpression'
          ? this.evaluateArgs(filterNode.args, environment)
          : [[], new Map<string, RV>()];
      const result = own(this, operand, args, kwargs, environment);
      if (result !== undefined) return result;
    }
    return (this as any).applyFilter(operand, filterNode, environment) as RV;
  }

  /** Applies a filter by name to an evaluated value (used by `map` and `select`). */
  applyFilterByName(operand: RV, name: string, args: RV[], environment: Environment): RV {
    const node: Node =
      args.length === 0
        ? { type: 'Identifier', value: name }
        : { type: 'CallExpression', callee: { type: 'Identifier', value: name }, args: args.map(valueNode) };
    return this.applyNamedFilter(operand, node, environment);
  }
}

// The engine's evaluateBlock is private in its typings; replace it so every block (loop bodies,
// macros, if branches) prints with Python's str() and counts towards the output limit.
Object.defineProperty(BoundedInterpreter.prototype, 'evaluateBlock', {
  value(this: BoundedInterpreter, statements: Node[], environment: Environment) {
    return this.renderBlock(statements, environment);
  },
});

export function valueNode(value: RV): Node {
  return { type: 'RuntimeValue', value };
}

function typeLabel(v: RV): string {
  if (isString(v)) return 'str';
  if (isInt(v)) return 'int';
  if (isFloat(v)) return 'float';
  if (isBool(v)) return 'bool';
  if (isList(v)) return 'list';
  if (isContainer(v)) return 'dict';
  if (v.type === 'FunctionValue') return 'function';
  return v.type === 'NullValue' ? 'NoneType' : 'Undefined';
}

/** `loop.cycle(a, b, …)`, which the engine's loop object lacks. */
function loopCycle(index0: number): RV {
  return fn((args) => {
    if (args.length === 0) throw new TemplateError('render_error', 'TypeError: no items for cycling given');
    return args[index0 % args.length]!;
  });
}

/** Globals Jinja provides; the engine's own extras (raise_exception, strftime_now) are left out. */
export function createGlobals(interpreter: () => BoundedInterpreter): Environment {
  const env = new Environment();
  const define = (name: string, value: RV): void => {
    env.setVariable(name, value as any);
  };
  define('true', bool(true));
  define('false', bool(false));
  define('True', bool(true));
  define('False', bool(false));
  define('none', toRuntime(null));
  define('None', toRuntime(null));
  define(
    'range',
    fn((args) => {
      const nums = args.map((a) => {
        if (!isInt(a) && !isBool(a))
          throw new TemplateError(
            'render_error',
            `TypeError: '${a.type}' object cannot be interpreted as an integer`,
          );
        return Number(a.value);
      });
      let [start, stop, step] = [0, 0, 1];
      if (nums.length === 1) stop = nums[0]!;
      else if (nums.length >= 2) [start, stop, step] = [nums[0]!, nums[1]!, nums[2] ?? 1];
      else throw new TemplateError('render_error', 'TypeError: range expected at least 1 argument, got 0');
      if (step === 0) throw new TemplateError('render_error', 'ValueError: range() arg 3 must not be zero');
      const length = Math.max(0, Math.ceil((stop - start) / step));
      const it = interpreter();
      // Python's sandbox caps range() too (MAX_RANGE); ours is the step budget, checked up front.
      if (length > it.limits.maxSteps)
        throw renderLimitError(`range() of ${length} items exceeds the step budget`);
      it.tick(Math.ceil(length / 16));
      const out: RV[] = new Array(length);
      for (let i = 0; i < length; i++) out[i] = int(start + i * step);
      return list(out);
    }),
  );
  define(
    'dict',
    fn((args) => {
      const kwargs = args.at(-1);
      const entries = new Map<string, RV>();
      if (kwargs && kwargs.type === 'KeywordArgumentsValue')
        for (const [k, v] of kwargs.value as Map<string, RV>) entries.set(k, v);
      return dict(entries);
    }),
  );
  return env;
}
