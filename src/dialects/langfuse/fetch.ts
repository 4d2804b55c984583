// GET one prompt: the version the selector names, its text in a form Langfuse clients compile
// (template-format.ts), its references resolved (or given back in Langfuse's syntax) and the
// resolution graph. One registry call finds the version; each reference is a look-up of its own.
import type { FastifyInstance } from 'fastify';
import { badRequest, isFault, LecternError } from '../../model/errors.ts';
import type { Actor, Json, Message, TemplateFormat } from '../../model/types.ts';
import type { VersionSelector } from '../../registry/index.ts';
import { TemplateError } from '../../templates/index.ts';
import { fetchedWire, isObject, LATEST, promptOf } from './mapping.ts';
import {
  mapTexts,
  ReferenceError,
  resolveReferences,
  toLangfuse,
  type ReferenceFetcher,
  type ResolutionGraph,
} from './references.ts';
import { NotRepresentable, textForLangfuse } from './template-format.ts';

export const isNotFound = (e: unknown) =>
  isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found');

export interface Selector {
  version?: number;
  label?: string;
}

/** No version and no label means `production` (the SDKs send neither then). */
export function selectorOf(q: Selector): { sel: VersionSelector; what: string } {
  if (q.version !== undefined) return { sel: { number: q.version }, what: `with version ${q.version}` };
  const label = q.label ?? 'production';
  return { sel: label === LATEST ? { latest: true } : { label }, what: `with label '${label}'` };
}

function fetcher(app: FastifyInstance, actor: Actor): ReferenceFetcher {
  return async (tag) => {
    const sel: VersionSelector =
      tag.version !== undefined
        ? { number: tag.version }
        : tag.label !== undefined
          ? { label: tag.label }
          : { latest: true };
    try {
      const r = await app.registry.getVersion(actor, { name: tag.name }, sel);
      return { id: r.version.id, name: r.prompt.name, number: r.version.number, content: r.version };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  };
}

/** Reference failures are the client's: 400, as Langfuse answers a bad graph. */
export function referenceProblem(e: unknown): unknown {
  if (e instanceof ReferenceError) return badRequest(e.message, { field: 'prompt' });
  if (e instanceof TemplateError && e.code === 'render_limit')
    return badRequest(e.message, { field: 'prompt' });
  return e;
}

/** Checks (by resolving) the references of a text about to be stored. */
export async function checkReferences(
  app: FastifyInstance,
  actor: Actor,
  name: string,
  v: { messages: Message[]; content: Json[] | null },
): Promise<void> {
  if (!JSON.stringify([v.messages, v.content]).includes('@@@')) return;
  await resolveReferences({ id: '', name, version: 0 }, v, fetcher(app, actor)).catch((e: unknown) => {
    throw referenceProblem(e);
  });
}

export async function fetchPrompt(
  app: FastifyInstance,
  actor: Actor,
  name: string,
  q: Selector & { resolve: boolean },
) {
  const { sel, what } = selectorOf(q);
  let r;
  try {
    r = await app.registry.getVersionWithLatest(actor, { name }, sel);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw new LecternError({ kind: 'not_found', what: 'prompt' }, `Prompt not found: '${name}' ${what}`);
  }
  const { prompt, version } = r;
  let texts: { messages: Message[]; content: Json[] | null };
  let graph: ResolutionGraph | null = null;
  if (q.resolve) {
    const root = { id: version.id, name: prompt.name, version: version.number };
    const out = await resolveReferences(root, version, fetcher(app, actor)).catch((e: unknown) => {
      throw referenceProblem(e);
    });
    texts = out;
    graph = out.graph;
  } else texts = await mapTexts(version, toLangfuse);
  // Each message may carry its own format (PromptLayer writes one per message).
  const formatOf = (m?: Message): TemplateFormat => {
    const own = m && isObject(m) ? m['template_format'] : undefined;
    return own === 'jinja2' || own === 'f-string' || own === 'mustache' ? own : version.templateFormat;
  };
  let format: TemplateFormat = version.templateFormat;
  try {
    const messages: Message[] = [];
    for (const m of texts.messages) {
      format = formatOf(m);
      messages.push(
        (await mapTexts({ messages: [m], content: null }, (t) => textForLangfuse(format, t))).messages[0]!,
      );
    }
    format = version.templateFormat;
    const content = (
      await mapTexts({ messages: [], content: texts.content }, (t) => textForLangfuse(format, t))
    ).content;
    texts = { messages, content };
  } catch (e) {
    if (!(e instanceof NotRepresentable)) throw e;
    throw badRequest(
      `Prompt '${prompt.name}' version ${version.number} is a ${e.format} template, which Langfuse clients cannot compile; ` +
        `render it with Lectern (POST /v1/prompts/{name}/render) or fetch it from the native API`,
      { field: 'prompt' },
    );
  }
  const body = promptOf({ templateType: version.templateType, ...texts });
  return fetchedWire(prompt, version, version.number === r.latestNumber, body, graph);
}
