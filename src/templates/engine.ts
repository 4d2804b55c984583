/** Format dispatch shared by `render` and `renderVersionMessages`: parse (cached), check, render. */
import { cachedParse } from './cache.ts';
import { missingVariablesError, TemplateError } from './errors.ts';
import { parseFString, type ParsedFString } from './fstring-parser.ts';
import { renderFString } from './fstring-render.ts';
import { parseJinja, renderJinja, type ParsedJinja } from './jinja-render.ts';
import { parseMustache, renderMustache, type ParsedMustache } from './mustache-render.ts';
import { hasOwn, type PlainObject } from './python-values.ts';

export type TemplateFormat = 'mustache' | 'jinja2' | 'f-string';
export type RenderMode = 'strict' | 'lenient';

export const TEMPLATE_FORMATS: readonly TemplateFormat[] = ['mustache', 'jinja2', 'f-string'];

export interface RenderOptions {
  /** 'strict' (default) throws on missing variables; 'lenient' renders them empty. */
  mode?: RenderMode;
  /** Output size bound (characters); default 1 MiB. */
  maxOutputChars?: number;
  /** Jinja evaluation-step budget; default 1,000,000. */
  maxSteps?: number;
  /** Wall-clock budget for one render; default 500 ms. */
  timeoutMs?: number;
}

export interface RenderResult {
  output: string;
  warnings: string[];
  missing: string[];
}

export const DEFAULT_MAX_OUTPUT_CHARS = 1024 * 1024;
export const DEFAULT_MAX_STEPS = 1_000_000;
export const DEFAULT_TIMEOUT_MS = 500;

type Parsed =
  | { format: 'f-string'; parsed: ParsedFString }
  | { format: 'jinja2'; parsed: ParsedJinja }
  | { format: 'mustache'; parsed: ParsedMustache };

export function isTemplateFormat(value: unknown): value is TemplateFormat {
  return typeof value === 'string' && (TEMPLATE_FORMATS as readonly string[]).includes(value);
}

export function parseTemplate(format: TemplateFormat, template: string): Parsed {
  switch (format) {
    case 'f-string':
      return { format, parsed: cachedParse(format, template, parseFString) };
    case 'jinja2':
      return { format, parsed: cachedParse(format, template, parseJinja) };
    case 'mustache':
      return { format, parsed: cachedParse(format, template, parseMustache) };
    default:
      throw new TemplateError('template_syntax', `Unsupported template format: ${String(format)}`);
  }
}

/**
 * Whether a template's render work is bounded by its size and its inputs' size (no loops or
 * filters): mustache and f-string always (mustache's sections count every token visited against
 * the step budget, and read the clock at each), jinja2 when it is straight-line. A syntax error is
 * quick to report, so it counts as bounded too.
 */
export function isBoundedWork(format: TemplateFormat, template: string): boolean {
  if (format !== 'jinja2') return true;
  try {
    return cachedParse(format, template, parseJinja).straightLine;
  } catch {
    return true;
  }
}

export function variablesOf(parsed: Parsed): string[] {
  return parsed.parsed.variables;
}

export interface Budget {
  maxOutputChars: number;
  maxSteps: number;
  deadline: number;
}

export function budgetFrom(options: RenderOptions): Budget {
  return {
    maxOutputChars: options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    deadline: performance.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
}

export function missingNames(parsed: Parsed, variables: PlainObject): string[] {
  return parsed.parsed.variables.filter((name) => !hasOwn(variables, name));
}

export function missingWarning(missing: string[]): string {
  return `Missing variables rendered as empty: ${missing.join(', ')}`;
}

/** Renders sanitized variables; the caller has already applied strict-mode checks if any. */
export function renderParsed(
  parsed: Parsed,
  template: string,
  variables: PlainObject,
  mode: RenderMode,
  budget: Budget,
): RenderResult {
  const missing = missingNames(parsed, variables);
  if (mode === 'strict' && missing.length > 0) throw missingVariablesError(missing);
  const warnings: string[] = [];
  let output: string;
  switch (parsed.format) {
    case 'f-string':
      output = renderFString(parsed.parsed, variables, { maxOutputChars: budget.maxOutputChars }).output;
      break;
    case 'jinja2':
      output = renderJinja(parsed.parsed, variables, budget);
      break;
    case 'mustache':
      if (parsed.parsed.hasPartials) warnings.push('Mustache partials are not supported and render as empty');
      output = renderMustache(parsed.parsed, template, variables, budget);
      break;
  }
  if (missing.length > 0) warnings.unshift(missingWarning(missing));
  return { output, warnings, missing };
}
