// GET one prompt: the version the selector names, its text in a form Langfuse clients compile
// (template-format.ts), its references resolved (or given back in Langfuse's syntax) and the
// resolution graph — all from one registry call (the expansion is the registry's, shared with
// PromptLayer's snippets: Langfuse references are stored as the same tags).
import type { FastifyInstance } from 'fastify';
import { badRequest, isFault, LecternError } from '../../model/errors.ts';
import type { Actor, Json, Message, TemplateFormat } from '../../model/types.ts';
import type { VersionSelector } from '../../registry/index.ts';
import { TemplateError } from '../../templates/index.ts';
import { fetchedWire, isObject, LATEST, promptOf } from './mapping.ts';
import { MAX_SNIPPET_DEPTH, SnippetError } from '../../model/snippet-expansion.ts';
import { mapTexts } from '../../model/snippet-tags.ts';
import { langfuseTagOf, ReferenceError, toLangfuse } from './references.ts';
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

/** A reference that cannot be resolved (the expansion's typed error), in Langfuse's words. */
function referenceMessage(e: SnippetError): string {
  switch (e.kind) {
    case 'missing':
      return `referenced prompt not found: ${langfuseTagOf(e.tag)}`;
    case 'cycle':
      return `circular prompt reference: ${e.path.join(' -> ')}`;
    case 'not_completion':
      return `referenced prompt ${e.snippet} is a chat prompt; only text prompts can be referenced`;
    case 'too_deep':
      return `prompt references nest deeper than ${MAX_SNIPPET_DEPTH} levels`;
  }
}

/** Reference failures are the client's: 400, as Langfuse answers a bad graph. */
export function referenceProblem(e: unknown): unknown {
  if (e instanceof ReferenceError) return badRequest(e.message, { field: 'prompt' });
  if (e instanceof SnippetError) return badRequest(referenceMessage(e), { field: 'prompt' });
  if (e instanceof TemplateError && e.code === 'render_limit')
    return badRequest(e.message, { field: 'prompt' });
  return e;
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
    r = await app.registry.getVersionWithLatest(actor, { name }, sel, { expandSnippets: q.resolve });
  } catch (e) {
    if (isNotFound(e))
      throw new LecternError({ kind: 'not_found', what: 'prompt' }, `Prompt not found: '${name}' ${what}`);
    throw referenceProblem(e);
  }
  const { prompt, version } = r;
  let texts: { messages: Message[]; content: Json[] | null } =
    r.expanded ?? (await mapTexts(version, toLangfuse));
  const graph = r.expanded?.graph ?? null;
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
