// Snippets expanded (pure; the registry reads the snippets through `fetch`): `@@@name@@@`,
// `@@@name@version_number:N@@@`, `@@@name@label:L@@@` inside any text block, replaced on read by
// the referenced completion template's text, recursively. PromptLayer writes these tags as
// snippets and Langfuse's prompt references are stored as the same tags, so both dialects expand
// through this one module (Langfuse also shows the resolution graph it returns). A chain that comes
// back to a template already being expanded is a cycle, refused rather than expanded forever; an
// expansion larger than the render output bound is refused (render_limit) before it is built.
import type { Json, Message, VersionContent } from './types.ts';
import { mapTexts, SNIPPET_TAG as TAG, tagOf, textsOf, type SnippetTag } from './snippet-tags.ts';
import { OutputBudget } from '../templates/output-budget.ts';

export interface SnippetReference {
  prompt_name: string;
  version: number;
  label: string | null;
}

export class SnippetError extends Error {
  constructor(
    readonly kind: 'missing' | 'cycle' | 'not_completion' | 'too_deep',
    readonly snippet: string,
    message: string,
    /** The tag being expanded, so a dialect can name it in its own syntax. */
    readonly tag: SnippetTag,
    /** The chain of names that led to it (the cycle, for `cycle`). */
    readonly path: string[],
  ) {
    super(message);
  }
}

/** A version in the resolution graph. */
export interface GraphNode {
  id: string;
  name: string;
  version: number;
}

/** What each expanded version references, by the referencing version's id (Langfuse's shape). */
export interface ResolutionGraph {
  root: GraphNode;
  dependencies: Record<string, GraphNode[]>;
}

export const MAX_SNIPPET_DEPTH = 16;

export { parseTags, tagsOfContent, type SnippetTag } from './snippet-tags.ts';

/** Fetches the version a tag names; null when the template, version or label does not exist. */
export type SnippetFetcher = (
  tag: SnippetTag,
) => Promise<{ id: string; number: number; content: VersionContent } | null>;

function snippetText(tag: SnippetTag, path: string[], v: VersionContent): string {
  if (v.templateType !== 'completion') {
    throw new SnippetError(
      'not_completion',
      tag.name,
      `snippet ${tag.name} is a chat template; only completion templates can be snippets`,
      tag,
      path,
    );
  }
  return textsOf([], v.content).join('');
}

/** A version's texts with every snippet tag replaced, and the snippets used. */
export interface Expansion {
  messages: Message[];
  content: Json[] | null;
  snippets: SnippetReference[];
  /** Null when nothing was expanded (as Langfuse answers). */
  graph: ResolutionGraph | null;
}

/**
 * Expands every tag in the version's texts; returns new messages/content, the references used and
 * the resolution graph. `self` is the version being expanded (its name starts the cycle check; a
 * write passes only the name of the prompt it lands on).
 */
export async function resolveSnippets(
  v: Pick<VersionContent, 'messages' | 'content'>,
  fetch: SnippetFetcher,
  self?: string | GraphNode,
  budget: OutputBudget = new OutputBudget(),
): Promise<Expansion> {
  const refs = new Map<string, SnippetReference>();
  const cache = new Map<string, { node: GraphNode; text: string }>();
  const dependencies: Record<string, GraphNode[]> = {};
  const what = 'the template with its snippets expanded';
  const root: GraphNode | undefined = typeof self === 'string' ? { id: '', name: self, version: 0 } : self;

  const expand = async (text: string, parent: GraphNode | undefined, stack: string[]): Promise<string> => {
    if (!text.includes('@@@')) return text;
    let out = '';
    let last = 0;
    for (const m of text.matchAll(TAG)) {
      budget.fits(out.length, m.index! - last, what);
      out += text.slice(last, m.index);
      last = m.index! + m[0].length;
      const tag = tagOf(m);
      const path = [...stack, tag.name];
      if (stack.includes(tag.name)) {
        throw new SnippetError(
          'cycle',
          tag.name,
          `circular snippet reference: ${path.join(' -> ')}`,
          tag,
          path,
        );
      }
      if (stack.length >= MAX_SNIPPET_DEPTH) {
        throw new SnippetError(
          'too_deep',
          tag.name,
          `snippets nest deeper than ${MAX_SNIPPET_DEPTH} levels`,
          tag,
          path,
        );
      }
      const key = m[0];
      let hit = cache.get(key);
      if (hit === undefined) {
        const found = await fetch(tag);
        if (!found) throw new SnippetError('missing', tag.name, `snippet ${m[0]} does not exist`, tag, path);
        const node = { id: found.id, name: tag.name, version: found.number };
        hit = { node, text: await expand(snippetText(tag, path, found.content), node, path) };
        cache.set(key, hit);
        refs.set(key, { prompt_name: tag.name, version: found.number, label: tag.label ?? null });
      }
      if (parent) {
        const deps = (dependencies[parent.id] ??= []);
        if (!deps.some((d) => d.id === hit.node.id)) deps.push(hit.node);
      }
      budget.fits(out.length, hit.text.length, what);
      out += hit.text;
    }
    budget.fits(out.length, text.length - last, what);
    return out + text.slice(last);
  };
  /** A text slot of the version itself: all of them together stay within the bound. */
  const expandSlot = async (text: string, stack: string[]) => {
    const out = await expand(text, root, stack);
    if (out !== text) budget.spend(out.length, what);
    return out;
  };

  const stack = root ? [root.name] : [];
  const { messages, content } = await mapTexts(v, (text) => expandSlot(text, stack));
  const graph = root && Object.keys(dependencies).length ? { root, dependencies } : null;
  return { messages, content, snippets: [...refs.values()], graph };
}
