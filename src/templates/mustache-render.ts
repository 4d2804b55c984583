/**
 * Mustache via the reference `mustache` package, with three changes for prompts:
 * - no HTML escaping (a per-render `escape`, never the package-global one),
 * - lookups see only own properties of sanitized data (no prototype walk, no function calls),
 * - partials are not supported: a prompt version has no partial store, so `{{> x}}` renders empty
 *   and produces a warning.
 */
import Mustache from 'mustache';
import { TemplateError, positionAt, renderDeadlineError } from './errors.ts';
import type { PlainValue } from './python-values.ts';
import type { Budget } from './engine.ts';

type Token = [string, string, number, number, Token[]?, number?];

export interface ParsedMustache {
  tokens: Token[];
  variables: string[];
  hasPartials: boolean;
}

// A private writer: its parse cache is disabled (ours is the LRU) and nothing global is touched.
const writer = new Mustache.Writer();
(writer as unknown as { templateCache: unknown }).templateCache = undefined;

export function parseMustache(template: string): ParsedMustache {
  let tokens: Token[];
  try {
    tokens = writer.parse(template) as Token[];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /at (\d+)\s*$/.exec(message);
    throw new TemplateError('template_syntax', message, {
      ...(at ? { position: positionAt(template, Number(at[1])) } : {}),
      cause: err,
    });
  }
  const roots = new Set<string>();
  let hasPartials = false;
  // A name is a top-level variable when it is looked up with only the root view on the context
  // stack: outside any section, or inside inverted sections (they do not push a context).
  const walk = (list: Token[], pushed: boolean): void => {
    for (const token of list) {
      const [type, value] = token;
      if (type === '>') hasPartials = true;
      if (type === 'name' || type === '&' || type === '#' || type === '^') {
        if (!pushed && value !== '.') roots.add(value.split('.')[0]!);
      }
      if ((type === '#' || type === '^') && token[4]) walk(token[4], pushed || type === '#');
    }
  };
  walk(tokens, false);
  return { tokens, variables: [...roots].sort(), hasPartials };
}

function ownLookup(view: unknown, key: string): { found: boolean; value?: unknown } {
  if (view === null || view === undefined) return { found: false };
  if (typeof view !== 'object' && typeof view !== 'string') return { found: false };
  if (!Object.prototype.hasOwnProperty.call(view, key)) return { found: false };
  return { found: true, value: (view as Record<string, unknown>)[key] };
}

/** Context that resolves names against own data properties only. */
class DataContext extends Mustache.Context {
  constructor(view: unknown, parent?: DataContext) {
    super(view, parent);
  }

  override push(view: unknown): DataContext {
    return new DataContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name === '.') return this.view;
    const parts = name.split('.');
    // The first part picks the context (mustache spec: dotted names resolve against the first hit).
    const frames: unknown[] = [];
    for (let ctx: Mustache.Context | undefined = this as Mustache.Context; ctx; ctx = ctx.parent)
      frames.push(ctx.view);
    for (const view of frames) {
      const first = ownLookup(view, parts[0]!);
      if (!first.found) continue;
      let value = first.value;
      for (const part of parts.slice(1)) {
        const next = ownLookup(value, part);
        if (!next.found) return undefined;
        value = next.value;
      }
      return value;
    }
    return undefined;
  }
}

const config = { escape: (value: unknown): string => String(value) };

type Leaf = (token: Token, ...rest: unknown[]) => string | undefined;

/**
 * A writer that counts what it does: every token visited is a step, and every piece of text it
 * emits counts towards the output bound, so nested sections over long lists stop at the budget
 * instead of running (or allocating) without end. The package's writer has no bound of its own.
 */
class BudgetedWriter extends Mustache.Writer {
  private steps = 0;
  private chars = 0;

  constructor(private readonly budget: Budget) {
    super();
  }

  override renderTokens(...args: Parameters<Mustache.Writer['renderTokens']>): string {
    this.steps += args[0].length;
    if (this.steps > this.budget.maxSteps) throw limit(`more than ${this.budget.maxSteps} steps`);
    if (performance.now() > this.budget.deadline) throw renderDeadlineError('the time budget ran out');
    return super.renderTokens(...args);
  }

  emitted(text: string | undefined): string | undefined {
    this.chars += text?.length ?? 0;
    if (this.chars > this.budget.maxOutputChars) {
      throw limit(`output exceeds ${this.budget.maxOutputChars} characters`);
    }
    return text;
  }
}

// The three methods that produce text; wrapped once on the prototype so each emission is counted.
for (const method of ['rawValue', 'escapedValue', 'unescapedValue'] as const) {
  const proto = BudgetedWriter.prototype as unknown as Record<string, Leaf>;
  const original = (Mustache.Writer.prototype as unknown as Record<string, Leaf>)[method]!;
  proto[method] = function (this: BudgetedWriter, ...args: Parameters<Leaf>) {
    return this.emitted(original.apply(this, args));
  };
}

const limit = (why: string) => new TemplateError('render_limit', `Template render stopped: ${why}`);

export function renderMustache(
  parsed: ParsedMustache,
  template: string,
  view: Record<string, PlainValue>,
  budget: Budget,
): string {
  try {
    return new BudgetedWriter(budget).renderTokens(
      parsed.tokens as never,
      new DataContext(view),
      {},
      template,
      config as never,
    );
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError('render_error', err instanceof Error ? err.message : String(err), { cause: err });
  }
}
