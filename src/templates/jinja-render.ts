/** Jinja2 templates: parse (with `{% raw %}` support added), analyse variables, render bounded. */
import { Environment, parse, tokenize } from '@huggingface/jinja';
import { renderLimitError, TemplateError } from './errors.ts';
import { BoundedInterpreter, createGlobals } from './jinja-sandbox.ts';
import { toRuntime, type RV } from './jinja-values.ts';
import { findUndeclaredVariables } from './jinja-variables.ts';
import type { PlainObject } from './python-values.ts';

export interface ParsedJinja {
  program: ReturnType<typeof parse>;
  variables: string[];
}

const RAW_BLOCK = /\{%(-?)\s*raw\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endraw\s*(-?)%\}/g;

/**
 * The engine has no `{% raw %}`: rewrite each raw block into an expression printing a string
 * literal with the same text, honouring the four whitespace-control dashes.
 */
function expandRawBlocks(template: string): string {
  return template.replace(
    RAW_BLOCK,
    (_m, stripBefore: string, stripStart: string, body: string, stripEnd: string, stripAfter: string) => {
      let text = body;
      if (stripStart) text = text.replace(/^\s+/, '');
      if (stripEnd) text = text.replace(/\s+$/, '');
      const literal = `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      return `{{${stripBefore ? '-' : ''} ${literal} ${stripAfter ? '-' : ''}}}`;
    },
  );
}

export function parseJinja(template: string): ParsedJinja {
  let program: ReturnType<typeof parse>;
  try {
    // No lstrip_blocks/trim_blocks: Python's Environment defaults are off too.
    program = parse(tokenize(expandRawBlocks(template), {}));
  } catch (err) {
    const message =
      err instanceof TypeError
        ? 'unexpected end of template'
        : err instanceof Error
          ? err.message
          : String(err);
    throw new TemplateError('template_syntax', message, { cause: err });
  }
  return { program, variables: findUndeclaredVariables(program as never) };
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
