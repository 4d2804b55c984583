/**
 * Lectern's template engines — mustache, jinja2 (sandboxed, bounded) and Python f-string
 * (`str.format`) — behind one pure API: render, extract variables, render a whole version.
 */
import {
  budgetFrom,
  parseTemplate,
  renderParsed,
  type RenderOptions,
  type RenderResult,
  type TemplateFormat,
} from './engine.ts';
import { sanitizeVariables } from './python-values.ts';

export { TemplateError, type TemplateErrorCode, type TemplatePosition } from './errors.ts';
export {
  DEFAULT_MAX_OUTPUT_CHARS,
  DEFAULT_MAX_STEPS,
  DEFAULT_TIMEOUT_MS,
  TEMPLATE_FORMATS,
  isTemplateFormat,
  type RenderMode,
  type RenderOptions,
  type RenderResult,
  type TemplateFormat,
} from './engine.ts';
export { clearTemplateCache, templateCacheStats, type TemplateCacheStats } from './cache.ts';
export {
  extractVersionVariables,
  renderVersionMessages,
  type ContentPart,
  type RenderVersionInput,
  type RenderVersionResult,
  type VersionMessage,
} from './version.ts';

/** Renders one template. Strict mode (default) throws TemplateError('missing_variables') naming all of them. */
export function render(
  format: TemplateFormat,
  template: string,
  variables: Record<string, unknown>,
  options: RenderOptions = {},
): RenderResult {
  const parsed = parseTemplate(format, template);
  return renderParsed(
    parsed,
    template,
    sanitizeVariables(variables),
    options.mode ?? 'strict',
    budgetFrom(options),
  );
}

/** Sorted, unique root variable names a template reads from the caller. */
export function extractVariables(format: TemplateFormat, template: string): string[] {
  return [...parseTemplate(format, template).parsed.variables];
}
