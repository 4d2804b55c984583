// Langfuse prompt references as Lectern composition. `@@@langfusePrompt:name=X|version=N@@@` and
// `…|label=L@@@` are stored as Lectern's snippet tags (`@@@X@version_number:N@@@`,
// `@@@X@label:L@@@`; `label=latest` is `@@@X@@@`, the newest version), so PromptLayer reads expand
// them too and a snippet written there is a reference here. On a Langfuse read they are expanded
// (recursively, text prompts only, cycles refused, within the render output bound) into the
// resolution graph Langfuse returns; with resolve=false they are given back in Langfuse's syntax.
import type { Json, JsonObject, Message, VersionContent } from '../../model/types.ts';
import { OutputBudget } from '../../templates/output-budget.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ReferenceTag {
  name: string;
  version?: number;
  label?: string;
}

export interface GraphNode {
  id: string;
  name: string;
  version: number;
}

export interface ResolutionGraph {
  root: GraphNode;
  dependencies: Record<string, GraphNode[]>;
}

export class ReferenceError extends Error {
  constructor(
    readonly kind: 'bad_tag' | 'missing' | 'cycle' | 'not_text' | 'too_deep',
    message: string,
  ) {
    super(message);
  }
}

export const MAX_REFERENCE_DEPTH = 16;
const LANGFUSE_TAG = /@@@langfusePrompt:(.*?)@@@/g;
const STORED_TAG = /@@@([^@]+?)(?:@(version_number|label):([^@]+?))?@@@/g;

function parseLangfuseTag(body: string): ReferenceTag {
  const params = new Map<string, string>();
  for (const part of body.split('|')) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new ReferenceError('bad_tag', `invalid prompt reference "${body}": expected key=value`);
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const name = params.get('name');
  const version = params.get('version');
  const label = params.get('label');
  if (!name) throw new ReferenceError('bad_tag', `prompt reference "${body}" has no name`);
  if (name.includes('@')) {
    throw new ReferenceError('bad_tag', `prompt reference "${body}": a referenced name cannot contain "@"`);
  }
  if (version !== undefined && label !== undefined) {
    throw new ReferenceError('bad_tag', `prompt reference "${body}" names both a version and a label`);
  }
  if (version !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(version))
      throw new ReferenceError('bad_tag', `prompt reference "${body}": version must be a positive integer`);
    return { name, version: Number(version) };
  }
  if (label === undefined || !label)
    throw new ReferenceError('bad_tag', `prompt reference "${body}" needs a version or a label`);
  return label === 'latest' ? { name } : { name, label };
}

const storedOf = (t: ReferenceTag) =>
  t.version !== undefined
    ? `@@@${t.name}@version_number:${t.version}@@@`
    : t.label !== undefined
      ? `@@@${t.name}@label:${t.label}@@@`
      : `@@@${t.name}@@@`;

const langfuseOf = (t: ReferenceTag) =>
  `@@@langfusePrompt:name=${t.name}|${t.version !== undefined ? `version=${t.version}` : `label=${t.label ?? 'latest'}`}@@@`;

function storedTagOf(m: RegExpMatchArray): ReferenceTag {
  const [, name, kind, value] = m;
  if (kind === 'version_number' && /^\d+$/.test(value!)) return { name: name!, version: Number(value) };
  if (kind === 'label') return { name: name!, label: value! };
  return { name: name! };
}

/** Langfuse reference tags in a text as Lectern snippet tags (throws on a malformed tag). */
export function toStored(text: string): string {
  return text.includes('@@@')
    ? text.replace(LANGFUSE_TAG, (_, body: string) => storedOf(parseLangfuseTag(body)))
    : text;
}

/** Lectern snippet tags in a text as Langfuse reference tags. */
export function toLangfuse(text: string): string {
  return text.includes('@@@')
    ? text.replace(STORED_TAG, (...m) => langfuseOf(storedTagOf(m as never)))
    : text;
}

/** The references in a stored text. */
export function referencesIn(text: string): ReferenceTag[] {
  return [...text.matchAll(STORED_TAG)].map(storedTagOf);
}

/** The version a tag names (id, number, content), or null when the prompt, version or label is missing. */
export type ReferenceFetcher = (
  tag: ReferenceTag,
) => Promise<{ id: string; name: string; number: number; content: VersionContent } | null>;

/** Every text slot of a version, mapped (string message contents and the completion's text blocks). */
export async function mapTexts(
  v: Pick<VersionContent, 'messages' | 'content'>,
  f: (text: string) => Promise<string> | string,
): Promise<{ messages: Message[]; content: Json[] | null }> {
  const mapContent = async (c: Json | undefined): Promise<Json | undefined> => {
    if (typeof c === 'string') return f(c);
    if (!Array.isArray(c)) return c;
    const out: Json[] = [];
    for (const b of c) {
      if (isObject(b) && typeof b['text'] === 'string') out.push({ ...b, text: await f(b['text']) });
      else out.push(b);
    }
    return out;
  };
  const messages: Message[] = [];
  for (const m of v.messages) {
    const copy: Message = { ...m };
    if ('content' in m) copy.content = (await mapContent(m.content)) as Json;
    messages.push(copy);
  }
  return { messages, content: v.content === null ? null : ((await mapContent(v.content)) as Json[]) };
}

const textOfCompletion = (c: VersionContent): string =>
  (c.content ?? []).map((b) => (isObject(b) && typeof b['text'] === 'string' ? b['text'] : '')).join('');

/**
 * Expands every reference of a version; returns the expanded texts and the resolution graph (null
 * when there was nothing to resolve, as Langfuse answers).
 */
export async function resolveReferences(
  root: GraphNode,
  v: Pick<VersionContent, 'messages' | 'content'>,
  fetch: ReferenceFetcher,
  budget: OutputBudget = new OutputBudget(),
): Promise<{ messages: Message[]; content: Json[] | null; graph: ResolutionGraph | null }> {
  const dependencies: Record<string, GraphNode[]> = {};
  const cache = new Map<string, { node: GraphNode; text: string }>();
  const what = 'the prompt with its references resolved';

  const expand = async (text: string, parent: GraphNode, stack: string[]): Promise<string> => {
    if (!text.includes('@@@')) return text;
    let out = '';
    let last = 0;
    for (const m of text.matchAll(STORED_TAG)) {
      budget.fits(out.length, m.index - last, what);
      out += text.slice(last, m.index);
      last = m.index + m[0].length;
      const tag = storedTagOf(m);
      if (stack.includes(tag.name)) {
        throw new ReferenceError('cycle', `circular prompt reference: ${[...stack, tag.name].join(' -> ')}`);
      }
      if (stack.length > MAX_REFERENCE_DEPTH) {
        throw new ReferenceError(
          'too_deep',
          `prompt references nest deeper than ${MAX_REFERENCE_DEPTH} levels`,
        );
      }
      let hit = cache.get(m[0]);
      if (!hit) {
        const found = await fetch(tag);
        if (!found) throw new ReferenceError('missing', `referenced prompt not found: ${langfuseOf(tag)}`);
        if (found.content.templateType !== 'completion') {
          throw new ReferenceError(
            'not_text',
            `referenced prompt ${found.name} is a chat prompt; only text prompts can be referenced`,
          );
        }
        const node = { id: found.id, name: found.name, version: found.number };
        hit = { node, text: await expand(textOfCompletion(found.content), node, [...stack, tag.name]) };
        cache.set(m[0], hit);
      }
      const deps = (dependencies[parent.id] ??= []);
      if (!deps.some((d) => d.id === hit.node.id)) deps.push(hit.node);
      budget.fits(out.length, hit.text.length, what);
      out += hit.text;
    }
    budget.fits(out.length, text.length - last, what);
    return out + text.slice(last);
  };

  const out = await mapTexts(v, async (text) => {
    const expanded = await expand(text, root, [root.name]);
    if (expanded !== text) budget.spend(expanded.length, what);
    return expanded;
  });
  const graph = Object.keys(dependencies).length ? { root, dependencies } : null;
  return { ...out, graph };
}
