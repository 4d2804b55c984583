/** Jinja2 templates: parse (with `{% raw %}` support added), analyse variables, render bounded. */
import { Environment, parse, tokenize } from '@huggingface/jinja';
import { positionAt, renderLimitError, TemplateError } from './errors.ts';
import {
  locateSyntaxError,
  mapBack,
  readableMessage,
  replaceRecording,
  type SourceEdit,
} from './jinja-positions.ts';
import { BoundedInterpreter, createGlobals } from './jinja-sandbox.ts';
import { toRuntime, type RV } from './jinja-values.ts';
import { findUndeclaredVariables } from './jinja-variables.ts';
import type { PlainObject } from './python-values.ts';

export interface ParsedJinja {
  program: ReturnType<typeof parse>;
  variables: string[];
  /** No loops, macros, calls, filters or assignments: its work is linear in its size and inputs. */
  straightLine: boolean;
}

/** Nodes whose work can grow beyond the size of the template and its inputs (or be costly per step). */
const LOOPING_NODES = new Set([
  'For',
  'Macro',
  'CallExpression',
  'CallStatement',
  'FilterExpression',
  'FilterStatement',
  'Set',
]);

function isStraightLine(node: unknown): boolean {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...(n as unknown[]));
    else if (n !== null && typeof n === 'object') {
      if (LOOPING_NODES.has((n as { type?: string }).type ?? '')) return false;
      for (const v of Object.values(n)) if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return true;
}

const RAW_BLOCK = /\{%(-?)\s*raw\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endraw\s*(-?)%\}/g;

/**
 * The engine has no `{% raw %}`: rewrite each raw block into an expression printing a string
 * literal with the same text, honouring the four whitespace-control dashes. The edits are kept so
 * a syntax error's position can be given in the template the user wrote.
 */
function expandRawBlocks(template: string): { text: string; edits: SourceEdit[] } {
  return replaceRecording(
    template,
    RAW_BLOCK,
    (_match, [stripBefore, stripStart, body, stripEnd, stripAfter]) => {
      let raw = body!;
      if (stripStart) raw = raw.replace(/^\s+/, '');
      if (stripEnd) raw = raw.replace(/\s+$/, '');
      const literal = `'${raw.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      return `{{${stripBefore ? '-' : ''} ${literal} ${stripAfter ? '-' : ''}}}`;
    },
  );
}

export function parseJinja(template: string): ParsedJinja {
  let program: ReturnType<typeof parse>;
  const expanded = expandRawBlocks(template);
  try {
    // No lstrip_blocks/trim_blocks: Python's Environment defaults are off too.
    program = parse(tokenize(expanded.text, {}));
  } catch (err) {
    const reason =
      err instanceof TypeError
        ? 'unexpected end of template'
        : err instanceof RangeError
          ? 'template nested too deeply'
          : err instanceof Error
            ? readableMessage(err.message)
            : String(err);
    const at = locateSyntaxError(expanded.text);
    if (at === undefined) throw new TemplateError('template_syntax', reason, { cause: err });
    const position = positionAt(template, mapBack(at, expanded.edits));
    throw new TemplateError(
      'template_syntax',
      `${reason} (line ${position.line}, column ${position.column})`,
      {
        position,
        cause: err,
      },
    );
  }
  return {
    program,
    variables: findUndeclaredVariables(program as never),
    straightLine: isStraightLine(program),
  };
}

export interface JinjaRenderOptions {
  maxOutputChars: number;
  maxSteps: number;
  deadline: number;
}

export function renderJinja(
  parsed: ParsedJinja,
  variables: PlainObject,
  options: JinjaRenderOptions,
): string {
  // range() needs the interpreter's budget; the interpreter needs the globals: tie them lazily.
  const holder: { interpreter?: BoundedInterpreter } = {};
  const globals = createGlobals(() => holder.interpreter!);
  const scope = new Environment(globals);
  const values: RV[] = [];
  for (const name of Object.keys(variables)) {
    const value = toRuntime(variables[name]);
    values.push(value);
    scope.setVariable(name, value as never);
  }
  const interpreter = new BoundedInterpreter(scope, {
    maxOutputChars: options.maxOutputChars,
    maxSteps: options.maxSteps,
    deadline: options.deadline,
    maxValueWeight: options.maxOutputChars,
  });
  holder.interpreter = interpreter;
  // Values the caller passed in may be large; budget what the template builds on top of them.
  const inputWeight = values.reduce((n, v) => n + interpreter.weight(v), 0);
  (interpreter.limits as { maxValueWeight: number }).maxValueWeight = options.maxOutputChars + inputWeight;
  try {
    const result = interpreter.run(parsed.program) as unknown as RV;
    return String(result.value);
  } catch (err) {
    throw toTemplateError(err);
  }
}

function toTemplateError(err: unknown): TemplateError {
  if (err instanceof TemplateError) return err;
  if (err instanceof RangeError) {
    return /call stack/i.test(err.message)
      ? renderLimitError('recursion too deep')
      : renderLimitError(`value too large (${err.message})`);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.constructor.name === 'BreakControl')
    return new TemplateError('render_error', "'break' outside of a loop");
  if (err instanceof Error && err.constructor.name === 'ContinueControl')
    return new TemplateError('render_error', "'continue' outside of a loop");
  return new TemplateError('render_error', message, { cause: err });
}
