/** Error raised by every template engine; `code` is what callers branch on. */
export type TemplateErrorCode = 'template_syntax' | 'missing_variables' | 'render_limit' | 'render_error';

export interface TemplatePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 units like editors do. */
  column: number;
  /** 0-based offset into the template string. */
  offset: number;
}

export class TemplateError extends Error {
  readonly code: TemplateErrorCode;
  readonly position?: TemplatePosition;
  readonly missing?: string[];
  /**
   * `deadline`: a render_limit raised by the clock, not by a step or size bound — on a busy
   * machine a cheap template can miss a tight deadline, so the render pool does not hold it
   * against the template (src/server/render-pool.ts).
   */
  readonly limit?: 'deadline';

  constructor(
    code: TemplateErrorCode,
    message: string,
    extra: { position?: TemplatePosition; missing?: string[]; limit?: 'deadline'; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'TemplateError';
    this.code = code;
    if (extra.position) this.position = extra.position;
    if (extra.missing) this.missing = extra.missing;
    if (extra.limit) this.limit = extra.limit;
  }
}

/** Turns an offset into the line/column pair users see in their editor. */
export function positionAt(template: string, offset: number): TemplatePosition {
  const clamped = Math.max(0, Math.min(offset, template.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (template.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1, offset: clamped };
}

export function syntaxError(template: string, message: string, offset?: number): TemplateError {
  return offset === undefined
    ? new TemplateError('template_syntax', message)
    : new TemplateError('template_syntax', message, { position: positionAt(template, offset) });
}

export function missingVariablesError(missing: string[]): TemplateError {
  return new TemplateError('missing_variables', `Missing template variables: ${missing.join(', ')}`, {
    missing,
  });
}

export function renderLimitError(what: string): TemplateError {
  return new TemplateError('render_limit', `Template render stopped: ${what}`);
}

/** The render ran past its deadline (the clock, not a step or size bound, stopped it). */
export function renderDeadlineError(what: string): TemplateError {
  return new TemplateError('render_limit', `Template render stopped: ${what}`, { limit: 'deadline' });
}
