/**
 * Rendering a whole prompt version: every text slot of every message (string content or text
 * parts) and of a completion's content, each in its message's own format or the version default.
 * Inputs are never mutated; unknown keys and non-text parts are copied through unchanged.
 */
import { cloneJson, isIndexKey, objectOf, setKey } from '../model/json-order.ts';
import { TemplateError, missingVariablesError } from './errors.ts';
import {
  budgetFrom,
  isTemplateFormat,
  missingNames,
  missingWarning,
  parseTemplate,
  renderParsed,
  type RenderMode,
  type RenderOptions,
  type TemplateFormat,
} from './engine.ts';
import { hasOwn, sanitizeVariables } from './python-values.ts';
import { templateCacheGeneration } from './cache.ts';

export type VersionMessage = Record<string, unknown>;
export type ContentPart = Record<string, unknown>;

export interface RenderVersionInput {
  /** Chat messages: `{role, content: string | parts[], template_format?, ...}`. */
  messages?: readonly VersionMessage[] | null;
  /** Completion content parts (or a plain string). */
  content?: readonly ContentPart[] | string | null;
  defaultFormat: TemplateFormat;
  /** The version's variable defaults; the caller's variables win over them. */
  variableDefaults?: Record<string, unknown> | null;
  variables?: Record<string, unknown> | null;
  mode?: RenderMode;
  /** Limits for the whole version (shared by all its templates). */
  limits?: Omit<RenderOptions, 'mode'>;
}

export interface RenderVersionResult {
  messages: VersionMessage[] | null;
  content: ContentPart[] | string | null;
  warnings: string[];
  missing: string[];
}

interface Slot {
  format: TemplateFormat;
  text: string;
  write: (rendered: string) => void;
}

function formatOf(message: VersionMessage, fallback: TemplateFormat): TemplateFormat {
  const own = message['template_format'];
  if (own === undefined || own === null) return fallback;
  if (!isTemplateFormat(own))
    throw new TemplateError('template_syntax', `Unsupported template format: ${String(own)}`);
  return own;
}

function isTextPart(part: unknown): part is ContentPart & { text: string } {
  return (
    typeof part === 'object' &&
    part !== null &&
    (part as ContentPart)['type'] === 'text' &&
    typeof (part as ContentPart)['text'] === 'string'
  );
}

/** Copies content (string or parts) and registers each text slot for rendering. */
function collectContent(
  content: unknown,
  format: TemplateFormat,
  slots: Slot[],
  assign: (value: unknown) => void,
): void {
  if (typeof content === 'string') {
    slots.push({ format, text: content, write: (rendered) => assign(rendered) });
    return;
  }
  if (!Array.isArray(content)) {
    assign(content === undefined ? undefined : cloneJson(content));
    return;
  }
  const copy = content.map((part: unknown) => cloneJson(part));
  copy.forEach((part, i) => {
    if (isTextPart(part))
      slots.push({
        format,
        text: part.text,
        write: (rendered) => ((copy[i] as ContentPart)['text'] = rendered),
      });
  });
  assign(copy);
}

function mergeVariables(
  defaults: Record<string, unknown> | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const source of [defaults ?? {}, variables ?? {}]) {
    for (const key of Object.keys(source)) if (source[key] !== undefined) merged[key] = source[key];
  }
  return merged;
}

/**
 * What rendering a version needs that does not depend on the variables: its text slots parsed, the
 * sorted names they read. Kept per messages array (or content array) — a stored version's, which
 * the read cache shares between requests and nobody mutates — and only for versions that parse:
 * any other takes the unplanned path below, which reports its error exactly as before.
 */
interface Plan {
  generation: number;
  content: RenderVersionInput['content'];
  defaultFormat: TemplateFormat;
  /** Per message: its keys, and where its content's slots start. */
  messages: { keys: string[]; ordered: boolean; format: TemplateFormat }[];
  slots: { format: TemplateFormat; text: string; parsed: ReturnType<typeof parseTemplate> }[];
  names: string[];
}

const plans = new WeakMap<object, Plan>();

function planOf(input: RenderVersionInput): Plan | null {
  const owner: unknown = input.messages ?? input.content;
  if (owner === null || typeof owner !== 'object') return null;
  const hit = plans.get(owner);
  const generation = templateCacheGeneration();
  if (
    hit &&
    hit.content === input.content &&
    hit.defaultFormat === input.defaultFormat &&
    hit.generation === generation
  )
    return hit;
  let plan: Plan;
  try {
    const slots: Plan['slots'] = [];
    const add = (value: unknown, format: TemplateFormat) => {
      const texts =
        typeof value === 'string'
          ? [value]
          : Array.isArray(value)
            ? value.filter(isTextPart).map((p) => p.text)
            : [];
      for (const text of texts) slots.push({ format, text, parsed: parseTemplate(format, text) });
    };
    const messages = (input.messages ?? []).map((m) => {
      const keys = Object.keys(m);
      const format = formatOf(m, input.defaultFormat);
      if ('content' in m) add(m['content'], format);
      return { keys, ordered: keys.some(isIndexKey), format };
    });
    if (input.content !== undefined && input.content !== null) add(input.content, input.defaultFormat);
    const names = [...new Set(slots.flatMap((x) => x.parsed.parsed.variables))].sort();
    plan = { generation, content: input.content, defaultFormat: input.defaultFormat, messages, slots, names };
  } catch {
    return null;
  }
  plans.set(owner, plan);
  return plan;
}

export function renderVersionMessages(input: RenderVersionInput): RenderVersionResult {
  const plan = planOf(input);
  return plan ? renderPlanned(input, plan) : renderUnplanned(input);
}

/** renderUnplanned, with the version's parsing done once (planOf): the same answer, less work. */
function renderPlanned(input: RenderVersionInput, plan: Plan): RenderVersionResult {
  const mode = input.mode ?? 'strict';
  const variables = sanitizeVariables(mergeVariables(input.variableDefaults, input.variables));
  const missing = plan.names.filter((name) => !hasOwn(variables, name));
  if (mode === 'strict' && missing.length > 0) throw missingVariablesError(missing);
  const budget = budgetFrom(input.limits ?? {});
  let used = 0;
  const warnings = new Set<string>();
  const outputs = plan.slots.map((slot) => {
    const result = renderParsed(slot.parsed, slot.text, variables, 'lenient', {
      ...budget,
      maxOutputChars: budget.maxOutputChars - used,
    });
    used += result.output.length;
    for (const w of result.warnings) if (!w.startsWith('Missing variables')) warnings.add(w);
    return result.output;
  });
  let next = 0;
  /** Content with its text slots' outputs in place (unknown keys and other parts copied). */
  const filled = (content: unknown): unknown => {
    if (typeof content === 'string') return outputs[next++];
    if (!Array.isArray(content)) return content === undefined ? undefined : cloneJson(content);
    return content.map((part: unknown) => {
      const copy = cloneJson(part);
      if (isTextPart(part)) (copy as ContentPart)['text'] = outputs[next++];
      return copy;
    });
  };
  let messages: VersionMessage[] | null = null;
  if (input.messages) {
    messages = input.messages.map((message, i) => {
      const { keys, ordered } = plan.messages[i]!;
      const at = (key: string) => (key === 'content' ? filled(message[key]) : cloneJson(message[key]));
      if (ordered) return objectOf(keys.map((key) => [key, at(key)])) as VersionMessage;
      const copy: VersionMessage = {};
      for (const key of keys) setKey(copy, key, at(key));
      return copy;
    });
  }
  let content: ContentPart[] | string | null = null;
  if (input.content !== undefined && input.content !== null) {
    content = filled(input.content) as ContentPart[] | string;
  }
  const allWarnings = [...warnings];
  if (missing.length > 0) allWarnings.unshift(missingWarning(missing));
  return { messages, content, warnings: allWarnings, missing };
}

function renderUnplanned(input: RenderVersionInput): RenderVersionResult {
  const mode = input.mode ?? 'strict';
  const slots: Slot[] = [];
  let messages: VersionMessage[] | null = null;
  let content: ContentPart[] | string | null = null;
  if (input.messages) {
    messages = input.messages.map((message) => {
      // Every key in its place (content too, filled in once rendered); integer-like keys and
      // `__proto__` kept as sent (json-order.ts).
      const keys = Object.keys(message);
      let copy: VersionMessage;
      if (keys.some(isIndexKey)) {
        copy = objectOf(
          keys.map((key) => [key, key === 'content' ? undefined : cloneJson(message[key])]),
        ) as VersionMessage;
      } else {
        copy = {};
        for (const key of keys) setKey(copy, key, key === 'content' ? undefined : cloneJson(message[key]));
      }
      if ('content' in message) {
        collectContent(
          message['content'],
          formatOf(message, input.defaultFormat),
          slots,
          (value) => (copy['content'] = value),
        );
      }
      return copy;
    });
  }
  if (input.content !== undefined && input.content !== null) {
    collectContent(
      input.content,
      input.defaultFormat,
      slots,
      (value) => (content = value as ContentPart[] | string),
    );
  }

  const variables = sanitizeVariables(mergeVariables(input.variableDefaults, input.variables));
  const parsed = slots.map((slot) => parseTemplate(slot.format, slot.text));
  const missing = [...new Set(parsed.flatMap((p) => missingNames(p, variables)))].sort();
  // Strict mode names every missing variable of the whole version in one error.
  if (mode === 'strict' && missing.length > 0) throw missingVariablesError(missing);

  const budget = budgetFrom(input.limits ?? {});
  let used = 0;
  const warnings = new Set<string>();
  slots.forEach((slot, i) => {
    const result = renderParsed(parsed[i]!, slot.text, variables, 'lenient', {
      ...budget,
      maxOutputChars: budget.maxOutputChars - used,
    });
    used += result.output.length;
    for (const w of result.warnings) if (!w.startsWith('Missing variables')) warnings.add(w);
    slot.write(result.output);
  });
  const allWarnings = [...warnings];
  if (missing.length > 0) allWarnings.unshift(missingWarning(missing));
  return { messages, content, warnings: allWarnings, missing };
}

/** Sorted union of the variables used by all text slots of a version. */
export function extractVersionVariables(
  messages: readonly VersionMessage[] | null | undefined,
  content: readonly ContentPart[] | string | null | undefined,
  defaultFormat: TemplateFormat,
): string[] {
  const names = new Set<string>();
  const visit = (value: unknown, format: TemplateFormat): void => {
    const texts =
      typeof value === 'string'
        ? [value]
        : Array.isArray(value)
          ? value.filter(isTextPart).map((p) => p.text)
          : [];
    for (const text of texts) {
      // No brace, no variable in any of the three formats (and nothing that fails to parse): a
      // rendered text, looked at again for its variables, is not parsed into the template cache.
      if (!text.includes('{') && !text.includes('}')) continue;
      for (const name of parseTemplate(format, text).parsed.variables) names.add(name);
    }
  };
  for (const message of messages ?? []) visit(message['content'], formatOf(message, defaultFormat));
  visit(content, defaultFormat);
  return [...names].sort();
}
