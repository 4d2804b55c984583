// PromptLayer's snippets, expanded (pure; the registry reads the snippets through `fetch`):
// `@@@name@@@`, `@@@name@version_number:N@@@`, `@@@name@label:L@@@` inside any text block,
// replaced on read by the referenced completion template's text, recursively. A chain that comes
// back to a template already being expanded is a cycle, refused rather than expanded forever; an
// expansion larger than the render output bound is refused (render_limit) before it is built.
import type { Json, Message, VersionContent } from './types.ts';
import { SNIPPET_TAG as TAG, tagOf, textsOf, type SnippetTag } from './snippet-tags.ts';
import { OutputBudget } from '../templates/output-budget.ts';

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
  ) {
    super(message);
  }
}

export const MAX_SNIPPET_DEPTH = 16;

export { parseTags, tagsOfContent, type SnippetTag } from './snippet-tags.ts';

/** Fetches the version a tag names; null when the template, version or label does not exist. */
export type SnippetFetcher = (tag: SnippetTag) => Promise<{ number: number; content: VersionContent } | null>;

function snippetText(name: string, v: VersionContent): string {
  if (v.templateType !== 'completion') {
    throw new SnippetError(
      'not_completion',
      name,
      `snippet ${name} is a chat template; only completion templates can be snippets`,
    );
  }
  return textsOf([], v.content).join('');
}

/** A version's texts with every snippet tag replaced, and the snippets used. */
export interface Expansion {
  messages: Message[];
  content: Json[] | null;
  snippets: SnippetReference[];
}

/** Expands every tag in the version's texts; returns new messages/content and the references used. */
export async function resolveSnippets(
  v: Pick<VersionContent, 'messages' | 'content'>,
  fetch: SnippetFetcher,
  selfName?: string,
  budget: OutputBudget = new OutputBudget(),
): Promise<Expansion> {
  const refs = new Map<string, SnippetReference>();
  const cache = new Map<string, string>();
  const what = 'the template with its snippets expanded';

  const expand = async (text: string, stack: string[]): Promise<string> => {
    if (!text.includes('@@@')) return text;
    let out = '';
    let last = 0;
    for (const m of text.matchAll(TAG)) {
      budget.fits(out.length, m.index! - last, what);
      out += text.slice(last, m.index);
      last = m.index! + m[0].length;
      const tag = tagOf(m);
      if (stack.includes(tag.name)) {
        throw new SnippetError(
          'cycle',
          tag.name,
          `circular snippet reference: ${[...stack, tag.name].join(' -> ')}`,
        );
      }
      if (stack.length >= MAX_SNIPPET_DEPTH) {
        throw new SnippetError('too_deep', tag.name, `snippets nest deeper than ${MAX_SNIPPET_DEPTH} levels`);
      }
      const key = m[0];
      let body = cache.get(key);
      if (body === undefined) {
        const found = await fetch(tag);
        if (!found) throw new SnippetError('missing', tag.name, `snippet ${m[0]} does not exist`);
        body = await expand(snippetText(tag.name, found.content), [...stack, tag.name]);
        cache.set(key, body);
        refs.set(key, { prompt_name: tag.name, version: found.number, label: tag.label ?? null });
      }
      budget.fits(out.length, body.length, what);
      out += body;
    }
    budget.fits(out.length, text.length - last, what);
    return out + text.slice(last);
  };
  /** A text slot of the version itself: all of them together stay within the bound. */
  const expandSlot = async (text: string, stack: string[]) => {
    const out = await expand(text, stack);
    if (out !== text) budget.spend(out.length, what);
    return out;
  };

  const stack = selfName ? [selfName] : [];
  const mapContent = async (c: Json | undefined): Promise<Json | undefined> => {
    if (typeof c === 'string') return expandSlot(c, stack);
    if (!Array.isArray(c)) return c;
    const blocks: Json[] = [];
    for (const b of c) {
      if (isObject(b) && b['type'] === 'text' && typeof b['text'] === 'string') {
        blocks.push({ ...b, text: await expandSlot(b['text'], stack) });
      } else blocks.push(b);
    }
    return blocks;
  };
  const messages: Message[] = [];
  for (const m of v.messages) {
    const copy: Message = { ...m };
    if ('content' in m) copy.content = (await mapContent(m.content)) as Json;
    messages.push(copy);
  }
  const content = v.content === null ? null : ((await mapContent(v.content)) as Json[]);
  return { messages, content, snippets: [...refs.values()] };
}
