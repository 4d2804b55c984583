// The renders a server hands to a worker thread, as plain data in and plain data out: a
// TemplateError cannot cross a thread boundary as itself, so it travels as an outcome and is
// rebuilt on the other side. Pure; src/server/render-pool.ts runs these off the event loop.
import { render, extractVariables } from './index.ts';
import type { RenderMode, RenderResult, TemplateFormat } from './engine.ts';
import { TemplateError, type TemplateErrorCode, type TemplatePosition } from './errors.ts';
import {
  extractVersionVariables,
  renderVersionMessages,
  type RenderVersionInput,
  type RenderVersionResult,
  type VersionMessage,
} from './version.ts';

/** Runs render tasks (src/server/render-pool.ts: on worker threads, or inline). */
export interface Renderer {
  run<T extends RenderTask>(task: T): Promise<ResultOf<T>>;
  /** Worker threads in use (0 when inline). */
  readonly threads: number;
  close(): Promise<void>;
}

export type RenderTask =
  /** A whole version: every message (or completion part), variables over defaults. */
  | { kind: 'version'; input: RenderVersionInput }
  /** One template string, with the variables it reads. */
  | {
      kind: 'template';
      format: TemplateFormat;
      template: string;
      variables: Record<string, unknown>;
      mode: RenderMode;
    }
  /** A message list sent in the request, with the variables it reads. */
  | {
      kind: 'messages';
      format: TemplateFormat;
      messages: VersionMessage[];
      variables: Record<string, unknown>;
      mode: RenderMode;
    };

export interface TaskResults {
  version: RenderVersionResult;
  template: RenderResult & { variables: string[] };
  messages: Pick<RenderVersionResult, 'messages' | 'warnings' | 'missing'> & { variables: string[] };
}
export type ResultOf<T extends RenderTask> = TaskResults[T['kind']];

interface SentError {
  code: TemplateErrorCode;
  message: string;
  position?: TemplatePosition;
  missing?: string[];
}
export type Outcome = { ok: true; value: unknown } | { ok: false; error: SentError };

function run(task: RenderTask): TaskResults[RenderTask['kind']] {
  switch (task.kind) {
    case 'version':
      return renderVersionMessages(task.input);
    case 'template': {
      const variables = extractVariables(task.format, task.template);
      const r = render(task.format, task.template, task.variables, { mode: task.mode });
      return { output: r.output, warnings: r.warnings, missing: r.missing, variables };
    }
    case 'messages': {
      const variables = extractVersionVariables(task.messages, null, task.format);
      const r = renderVersionMessages({
        messages: task.messages,
        defaultFormat: task.format,
        variables: task.variables,
        mode: task.mode,
      });
      return { messages: r.messages, warnings: r.warnings, missing: r.missing, variables };
    }
  }
}

/** Runs a task; a template error becomes data, anything else (a bug) still throws. */
export function settle(task: RenderTask): Outcome {
  try {
    return { ok: true, value: run(task) };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const error: SentError = { code: err.code, message: err.message };
    if (err.position) error.position = err.position;
    if (err.missing) error.missing = err.missing;
    return { ok: false, error };
  }
}

/** The task's result, or its TemplateError rebuilt. */
export function unwrap<T extends RenderTask>(outcome: Outcome): ResultOf<T> {
  if (outcome.ok) return outcome.value as ResultOf<T>;
  const { code, message, position, missing } = outcome.error;
  throw new TemplateError(code, message, {
    ...(position ? { position } : {}),
    ...(missing ? { missing } : {}),
  });
}
