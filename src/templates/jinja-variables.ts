/**
 * Undeclared-variable analysis over @huggingface/jinja's AST, reproducing what Python's
 * `jinja2.meta.find_undeclared_variables` reports (jinja2/idtracking.py):
 * - a name loaded in a frame before any store in that frame (or its parents) is undeclared;
 * - loop bodies, loop `else`, macro bodies, call/filter blocks and `{% set %}` blocks are child
 *   frames, analysed after their parent frame is complete (so a later parent `set` counts);
 * - a name first assigned inside an `{% if %}` branch is undeclared (Jinja resolves it from the
 *   context when the branch is not taken), unless the frame or a parent frame already had it;
 * - literals (true/none/…) and the environment globals (range, dict, namespace, lipsum, cycler,
 *   joiner) are not variables.
 */
type Node = { type: string; [key: string]: any };

const NOT_VARIABLES = new Set([
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'range',
  'dict',
  'namespace',
  'lipsum',
  'cycler',
  'joiner',
]);

class Frame {
  readonly stores: Set<string>;
  readonly refs: Set<string>;
  /** The real frame a branch copy belongs to: child frames hang off it, complete. */
  readonly owner: Frame;
  constructor(
    readonly parent: Frame | undefined,
    readonly deferred: Array<() => void>,
    stores?: Set<string>,
    refs?: Set<string>,
    owner?: Frame,
  ) {
    this.stores = new Set(stores);
    this.refs = new Set(refs);
    this.owner = owner ?? this;
  }

  find(name: string): boolean {
    return this.refs.has(name) || (this.parent?.find(name) ?? false);
  }

  /** A copy for one `if` branch: same level, own view of stores. */
  branch(): Frame {
    return new Frame(this.parent, this.deferred, this.stores, this.refs, this.owner);
  }
}

export function findUndeclaredVariables(program: Node): string[] {
  const undeclared = new Set<string>();

  const load = (frame: Frame, name: string): void => {
    if (NOT_VARIABLES.has(name)) return;
    if (!frame.find(name)) undeclared.add(name);
    frame.refs.add(name);
  };
  const store = (frame: Frame, name: string): void => {
    frame.stores.add(name);
    frame.refs.add(name);
  };
  const storeTarget = (frame: Frame, target: Node): void => {
    if (target.type === 'Identifier') store(frame, target.value as string);
    else if (target.type === 'TupleLiteral' || target.type === 'ArrayLiteral')
      for (const t of target.value as Node[]) storeTarget(frame, t);
    else if (target.type === 'MemberExpression') expr(frame, target.object as Node);
  };

  const expr = (frame: Frame, node: Node | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Identifier':
        load(frame, node.value as string);
        return;
      case 'MemberExpression':
        expr(frame, node.object);
        if (node.computed) expr(frame, node.property);
        return;
      case 'CallExpression':
        expr(frame, node.callee);
        for (const a of node.args as Node[]) expr(frame, a);
        return;
      case 'FilterExpression':
        expr(frame, node.operand);
        filterArgs(frame, node.filter);
        return;
      case 'TestExpression':
        expr(frame, node.operand);
        return;
      case 'SelectExpression':
        expr(frame, node.lhs);
        expr(frame, node.test);
        return;
      case 'Ternary':
        expr(frame, node.condition);
        expr(frame, node.trueExpr);
        expr(frame, node.falseExpr);
        return;
      case 'BinaryExpression':
        expr(frame, node.left);
        expr(frame, node.right);
        return;
      case 'UnaryExpression':
        expr(frame, node.argument);
        return;
      case 'ArrayLiteral':
      case 'TupleLiteral':
        for (const item of node.value as Node[]) expr(frame, item);
        return;
      case 'ObjectLiteral':
        for (const [k, v] of node.value as Map<Node, Node>) {
          expr(frame, k);
          expr(frame, v);
        }
        return;
      case 'SliceExpression':
        expr(frame, node.start);
        expr(frame, node.stop);
        expr(frame, node.step);
        return;
      case 'KeywordArgumentExpression':
        expr(frame, node.value);
        return;
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        expr(frame, node.argument);
        return;
      default:
        return;
    }
  };

  const filterArgs = (frame: Frame, filter: Node): void => {
    if (filter.type === 'CallExpression') for (const a of filter.args as Node[]) expr(frame, a);
  };

  /** Declares macro/caller parameters, then evaluates their defaults inside the new frame. */
  const parameters = (frame: Frame, params: Node[]): void => {
    for (const p of params)
      store(frame, (p.type === 'KeywordArgumentExpression' ? p.key.value : p.value) as string);
    for (const p of params) if (p.type === 'KeywordArgumentExpression') expr(frame, p.value);
  };

  const childFrame = (parent: Frame, setup: (frame: Frame) => void): void => {
    parent.deferred.push(() => {
      const frame = new Frame(parent.owner, []);
      setup(frame);
      drain(frame);
    });
  };

  const statements = (frame: Frame, list: Node[]): void => {
    for (const node of list) statement(frame, node);
  };

  const statement = (frame: Frame, node: Node): void => {
    switch (node.type) {
      case 'If': {
        expr(frame, node.test);
        const before = new Set(frame.stores);
        const assigned = new Set<string>();
        for (const branch of [node.body, node.alternate] as Node[][]) {
          const copy = frame.branch();
          statements(copy, branch);
          for (const r of copy.refs) frame.refs.add(r);
          for (const s of copy.stores) if (!before.has(s)) assigned.add(s);
        }
        for (const name of assigned) {
          if (!(frame.parent?.find(name) ?? false)) undeclared.add(name);
          store(frame, name);
        }
        return;
      }
      case 'For': {
        const iterable = node.iterable as Node;
        const filtered = iterable.type === 'SelectExpression';
        expr(frame, filtered ? iterable.lhs : iterable);
        childFrame(frame, (body) => {
          storeTarget(body, node.loopvar);
          store(body, 'loop');
          statements(body, node.body);
        });
        if (filtered) {
          childFrame(frame, (test) => {
            storeTarget(test, node.loopvar);
            expr(test, iterable.test);
          });
        }
        childFrame(frame, (other) => statements(other, node.defaultBlock ?? []));
        return;
      }
      case 'Set':
        if (node.value) {
          expr(frame, node.value);
          storeTarget(frame, node.assignee);
        } else {
          storeTarget(frame, node.assignee);
          childFrame(frame, (block) => statements(block, node.body));
        }
        return;
      case 'Macro':
        store(frame, node.name.value as string);
        childFrame(frame, (macro) => {
          parameters(macro, node.args);
          for (const special of ['caller', 'varargs', 'kwargs']) store(macro, special);
          statements(macro, node.body);
        });
        return;
      case 'CallStatement':
        expr(frame, node.call);
        childFrame(frame, (block) => {
          parameters(block, node.callerArgs ?? []);
          statements(block, node.body);
        });
        return;
      case 'FilterStatement':
        filterArgs(frame, node.filter);
        childFrame(frame, (block) => statements(block, node.body));
        return;
      case 'Comment':
      case 'Break':
      case 'Continue':
      case 'StringLiteral':
        return;
      default:
        expr(frame, node);
    }
  };

  const drain = (frame: Frame): void => {
    while (frame.deferred.length > 0) frame.deferred.shift()!();
  };

  const root = new Frame(undefined, []);
  statements(root, program.body as Node[]);
  drain(root);
  return [...undeclared].sort();
}
