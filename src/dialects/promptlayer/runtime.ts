// What the get endpoints serve from a version: snippets expanded, variables rendered leniently
// (missing ones render empty and are named in `warning`), placeholder messages spliced, llm_kwargs.
import type { FastifyInstance } from 'fastify';
import type { SnippetReference } from '../../model/snippet-expansion.ts';
import type { Actor, Json, JsonObject, Message } from '../../model/types.ts';
import type { TemplateRead } from '../../registry/index.ts';
import type { VersionMessage } from '../../templates/index.ts';
import type { RenderTask, ResultOf } from '../../templates/tasks.ts';
import { buildLlmKwargs } from './llm-kwargs.ts';
import { isObject, metadataWire, templateWire } from './mapping.ts';

export interface RuntimeOptions {
  variables?: JsonObject | null;
  render: boolean;
  llmKwargs: boolean;
  provider?: string | null;
  model?: string | null;
  overrides?: JsonObject | null;
}

export interface Served {
  prompt_template: JsonObject;
  metadata: JsonObject | null;
  llm_kwargs: JsonObject | null;
  snippets: SnippetReference[];
  warning: string | null;
}

/** What serving a read needs that does not depend on the request: worked out once per read. */
interface Prepared {
  messages: Message[];
  content: Json[] | null;
  snippets: SnippetReference[];
  metadata: JsonObject | null;
  hasPlaceholders: boolean;
  /** The stored (unrendered) prompt_template, made on first use. */
  template?: JsonObject;
}

// Keyed by the read itself: a read the read cache memoised (lookup.ts) is one shared object until
// a change in its workspace replaces it, so this lives and goes exactly as that entry does (no
// invalidation of its own); an uncached read is a new object every time and prepared once. Reads
// are never mutated (read-cache.ts: memoised values are shared), so neither are these.
const preparedReads = new WeakMap<TemplateRead, Prepared>();

function prepare(read: TemplateRead): Prepared {
  let p = preparedReads.get(read);
  if (p) return p;
  const { version, expanded } = read;
  const messages: Message[] = expanded?.messages ?? version.messages;
  p = {
    messages,
    content: expanded ? expanded.content : version.content,
    snippets: expanded?.snippets ?? [],
    metadata: metadataWire(version),
    hasPlaceholders: messages.some((m) => m.role === 'placeholder'),
  };
  preparedReads.set(read, p);
  return p;
}

/** A placeholder message whose name is a variable holding a list of messages is replaced by them. */
function splicePlaceholders(messages: Message[], vars: JsonObject): Message[] {
  return messages.flatMap((m) => {
    const v = m.role === 'placeholder' && typeof m['name'] === 'string' ? vars[m['name']] : undefined;
    return Array.isArray(v) ? (v.filter(isObject) as Message[]) : [m];
  });
}

/** Serves a template read (its snippets already expanded when they were asked for). */
export async function serveVersion(
  app: FastifyInstance,
  actor: Actor,
  read: TemplateRead,
  opts: RuntimeOptions,
): Promise<Served> {
  const p = prepare(read);
  const r = opts.render ? await app.renderer.run(renderTask(read, p, opts), { key: actor.keyId }) : null;
  return served(read, p, opts, r);
}

/**
 * serveVersion's answer when the render can be done now, inline (renderer.tryInline), or
 * undefined: the caller then goes through serveVersion, which decides as always.
 */
export function serveVersionNow(
  app: FastifyInstance,
  actor: Actor,
  read: TemplateRead,
  opts: RuntimeOptions,
): Served | undefined {
  const p = prepare(read);
  if (!opts.render) return served(read, p, opts, null);
  const r = app.renderer.tryInline(renderTask(read, p, opts), { key: actor.keyId });
  return r === undefined ? undefined : served(read, p, opts, r);
}

type VersionTask = Extract<RenderTask, { kind: 'version' }>;

const renderTask = (read: TemplateRead, p: Prepared, opts: RuntimeOptions): VersionTask => ({
  kind: 'version',
  input: {
    messages: p.messages as VersionMessage[],
    content: p.content as never,
    defaultFormat: read.version.templateFormat,
    variableDefaults: read.version.variableDefaults,
    variables: opts.variables ?? {},
    mode: 'lenient',
  },
});

/** The answer's parts from the read and the render's result (null: nothing was rendered). */
function served(
  read: TemplateRead,
  p: Prepared,
  opts: RuntimeOptions,
  r: ResultOf<VersionTask> | null,
): Served {
  const { version } = read;
  const { messages, content, snippets } = p;
  let warning: string | null = null;
  let rendered = { messages, content };
  if (r) {
    const vars = opts.variables ?? {};
    rendered = {
      messages: p.hasPlaceholders
        ? splicePlaceholders((r.messages ?? []) as Message[], vars)
        : ((r.messages ?? []) as Message[]),
      content: (r.content as Json[] | null) ?? null,
    };
    if (opts.variables && r.missing.length) {
      warning = `Some input variables are missing: (${r.missing.map((n) => `\`${n}\``).join(', ')})`;
    }
  }
  // Variables render into prompt_template only when the caller sent some; llm_kwargs always render
  // (missing ones empty) unless skip_input_variable_rendering.
  const shown = opts.variables && opts.render ? rendered : null;
  return {
    prompt_template: shown
      ? templateWire(version, shown)
      : (p.template ??= templateWire(version, { messages, content })),
    metadata: p.metadata,
    llm_kwargs: opts.llmKwargs
      ? buildLlmKwargs({
          version,
          messages: rendered.messages,
          content: rendered.content,
          provider: opts.provider,
          model: opts.model,
          overrides: opts.overrides,
        })
      : null,
    snippets,
    warning,
  };
}
