// The renders a server hands to a worker thread, as plain data in and plain data out: a
// TemplateError cannot cross a thread boundary as itself, so it travels as an outcome and is
// rebuilt on the other side. Pure; src/server/render-pool.ts runs these off the event loop.
import type { Version } from '../model/types.ts';
import { render, extractVariables } from './index.ts';
import {
  isBoundedWork,
  isTemplateFormat,
  type RenderMode,
  type RenderOptions,
  type RenderResult,
  type TemplateFormat,
} from './engine.ts';
import { TemplateError, type TemplateErrorCode, type TemplatePosition } from './errors.ts';
import {
  extractVersionVariables,
  renderVersionMessages,
  type RenderVersionInput,
  type RenderVersionResult,
  type VersionMessage,
} from './version.ts';

/** What a version task reads of a stored version. */
export type RenderableVersion = Pick<
  Version,
  'templateType' | 'messages' | 'content' | 'templateFormat' | 'variableDefaults'
>;

/** The task that renders a stored version with `variables` over its defaults. */
export const versionTask = (
  v: RenderableVersion,
  variables: Record<string, unknown>,
  mode: RenderMode,
): Extract<RenderTask, { kind: 'version' }> => ({
  kind: 'version',
  input: {
    messages: v.templateType === 'chat' ? (v.messages as VersionMessage[]) : null,
    content: v.templateType === 'completion' ? (v.content as VersionMessage[] | null) : null,
    defaultFormat: v.templateFormat,
    variableDefaults: v.variableDefaults,
    variables,
    mode,
  },
});

/** Runs render tasks (src/server/render-pool.ts: on worker threads, or inline). */
export interface Renderer {
  run<T extends RenderTask>(task: T, opts?: RunOptions): Promise<ResultOf<T>>;
  /**
   * The task's result when `run` would render it inline and it succeeds there, now; otherwise
   * `undefined`, having changed nothing (no count, no heavy mark): the caller then goes through
   * `run`, which decides as always (threads, render_busy, the render's own error).
   */
  tryInline<T extends RenderTask>(task: T, opts?: RunOptions): ResultOf<T> | undefined;
  /** Worker threads in use (0 when inline). */
  readonly threads: number;
  /**
   * Renders so far: done inline, handed to a thread, refused (429) for a key over its bound, and
   * `queued`: handed to a thread but made to wait for one (a count, not a time, so tests of the
   * fair sharing do not depend on the machine's load).
   */
  readonly counts: { inline: number; thread: number; refused: number; queued: number };
  close(): Promise<void>;
}

export interface RunOptions {
  /** Whose render this is (the API key's id): threads are shared fairly between keys. */
  key?: string;
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
      limits?: Limits;
    }
  /** A message list sent in the request, with the variables it reads. */
  | {
      kind: 'messages';
      format: TemplateFormat;
      messages: VersionMessage[];
      variables: Record<string, unknown>;
      mode: RenderMode;
      limits?: Limits;
    };

/** Budgets of one task (the engines' defaults where absent). */
export type Limits = Omit<RenderOptions, 'mode'>;

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
  limit?: 'deadline';
}
export type Outcome = { ok: true; value: unknown } | { ok: false; error: SentError };

function run(task: RenderTask): TaskResults[RenderTask['kind']] {
  switch (task.kind) {
    case 'version':
      return renderVersionMessages(task.input);
    case 'template': {
      const variables = extractVariables(task.format, task.template);
      const r = render(task.format, task.template, task.variables, { ...task.limits, mode: task.mode });
      return { output: r.output, warnings: r.warnings, missing: r.missing, variables };
    }
    case 'messages': {
      const variables = extractVersionVariables(task.messages, null, task.format);
      const r = renderVersionMessages({
        messages: task.messages,
        defaultFormat: task.format,
        variables: task.variables,
        mode: task.mode,
        ...(task.limits ? { limits: task.limits } : {}),
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
    if (err.limit) error.limit = err.limit;
    return { ok: false, error };
  }
}

/** The task's result, or its TemplateError rebuilt. */
export function unwrap<T extends RenderTask>(outcome: Outcome): ResultOf<T> {
  if (outcome.ok) return outcome.value as ResultOf<T>;
  const { code, message, position, missing, limit } = outcome.error;
  throw new TemplateError(code, message, {
    ...(position ? { position } : {}),
    ...(missing ? { missing } : {}),
    ...(limit ? { limit } : {}),
  });
}

/** The same task under budgets no looser than `limits` (its own stay where they are tighter). */
export function withLimits(task: RenderTask, limits: Limits): RenderTask {
  const own = task.kind === 'version' ? task.input.limits : task.limits;
  const min = (a: number | undefined, b: number | undefined) =>
    a === undefined ? b : b === undefined ? a : Math.min(a, b);
  const merged: Limits = {
    timeoutMs: min(own?.timeoutMs, limits.timeoutMs),
    maxSteps: min(own?.maxSteps, limits.maxSteps),
    maxOutputChars: min(own?.maxOutputChars, limits.maxOutputChars),
  };
  if (task.kind === 'version') return { ...task, input: { ...task.input, limits: merged } };
  return { ...task, limits: merged };
}

/**
 * How much input a task carries — template text, variables and defaults, counted in characters
 * (strings) and one per other value — walking no further than `cap`: the answer is `cap + 1` as
 * soon as it is known to exceed it, so weighing a huge input costs no more than weighing a small one.
 */
export function taskWeight(task: RenderTask, cap: number): number {
  return weightOf(
    task.kind === 'version'
      ? [task.input.messages, task.input.content, task.input.variables, task.input.variableDefaults]
      : [task.kind === 'template' ? task.template : task.messages, task.variables],
    cap,
  );
}

/** The weight of some values together, as taskWeight counts it (`cap + 1` once past `cap`). */
export function weightOf(values: unknown[], cap: number): number {
  let total = 0;
  const stack: unknown[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length;
    else if (Array.isArray(v)) {
      total += 1 + v.length;
      if (total > cap) return cap + 1;
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      total += 1;
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        total += k.length + 1;
        if (total > cap) return cap + 1;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else total += 1;
    if (total > cap) return cap + 1;
  }
  return total;
}

/** Whether every template of a task does work bounded by its size (see isBoundedWork). */
export function hasBoundedWork(task: RenderTask): boolean {
  if (task.kind === 'template') return isBoundedWork(task.format, task.template);
  const fallback = task.kind === 'version' ? task.input.defaultFormat : task.format;
  const messages = task.kind === 'version' ? task.input.messages : task.messages;
  const texts = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.flatMap((p: unknown) => {
            const t =
              p !== null && typeof p === 'object' ? (p as Record<string, unknown>)['text'] : undefined;
            return typeof t === 'string' ? [t] : [];
          })
        : [];
  for (const m of messages ?? []) {
    const own = m['template_format'];
    const format = isTemplateFormat(own) ? own : fallback;
    for (const t of texts(m['content'])) if (!isBoundedWork(format, t)) return false;
  }
  if (task.kind === 'version')
    for (const t of texts(task.input.content)) if (!isBoundedWork(fallback, t)) return false;
  return true;
}
