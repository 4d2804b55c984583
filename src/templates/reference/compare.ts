/** Test support: run our engines and compare with a Python reference result. */
import { extractVariables, render, TemplateError, type TemplateFormat } from '../index.ts';

export interface PyResult {
  output?: string;
  error?: string;
  message?: string;
  variables: string[] | null;
}
export interface Ours {
  output?: string;
  error?: string;
  message?: string;
  variables?: string[] | null;
}

/** Our result in the shape Python's is recorded in (Jinja is lenient like Python's Undefined). */
export function runOurs(kind: TemplateFormat, template: string, variables: Record<string, unknown>): Ours {
  const ours: Ours = {};
  try {
    ours.output = render(kind, template, variables, {
      mode: kind === 'jinja2' ? 'lenient' : 'strict',
      timeoutMs: 2000,
    }).output;
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    ours.error = err.code;
    ours.message = err.message;
  }
  try {
    ours.variables = extractVariables(kind, template);
  } catch {
    ours.variables = null;
  }
  return ours;
}

/** Whether our result agrees with Python's: same output, or a failure of the matching kind. */
export function agrees(
  kind: TemplateFormat,
  ours: Ours,
  py: PyResult,
  variables: Record<string, unknown>,
): boolean {
  const sameVariables = JSON.stringify(ours.variables ?? null) === JSON.stringify(py.variables);
  if (!sameVariables) return false;
  if (py.output !== undefined) return ours.output === py.output;
  if (ours.error === undefined) return false;
  if (kind === 'jinja2') return (py.error === 'TemplateSyntaxError') === (ours.error === 'template_syntax');
  if (ours.error === 'missing_variables') {
    return py.error === 'KeyError' && !Object.hasOwn(variables, String(py.message).slice(1, -1));
  }
  // The texts a Python error may be rendered as (this is the oracle's output, compared as data).
  const accepted = new Set([py.message, `${py.error}: ${py.message}`]);
  return accepted.has(ours.message);
}
