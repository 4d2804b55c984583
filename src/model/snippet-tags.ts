// Snippet references inside a template's text: `@@@name@@@`, `@@@name@version_number:N@@@`,
// `@@@name@label:L@@@` (PromptLayer's syntax). Pure: the parser the PromptLayer dialect expands
// on read and the registry uses to decide which versions reference a snippet.
import type { Json, Message, VersionContent } from './types.ts';

export interface SnippetTag {
  name: string;
  version?: number;
  label?: string;
}

/** One tag: its name, then optionally `version_number` or `label` and its value. Global: use with matchAll. */
export const SNIPPET_TAG = /@@@([^@]+?)(?:@(version_number|label):([^@]+?))?@@@/g;

export function parseTags(text: string): SnippetTag[] {
  const out: SnippetTag[] = [];
  for (const m of text.matchAll(SNIPPET_TAG)) out.push(tagOf(m));
  return out;
}

/** The tag a match of SNIPPET_TAG spells. */
export function tagOf(m: RegExpMatchArray): SnippetTag {
  const [, name, kind, value] = m;
  if (kind === 'version_number' && /^\d+$/.test(value!)) return { name: name!, version: Number(value) };
  if (kind === 'label') return { name: name!, label: value! };
  return { name: name! };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every text slot of a version: string contents and `type:"text"` blocks of messages and content. */
export function textsOf(messages: Message[], content: Json[] | null): string[] {
  const out: string[] = [];
  const visit = (c: Json | undefined) => {
    if (typeof c === 'string') out.push(c);
    else if (Array.isArray(c))
      for (const b of c)
        if (isObject(b) && b['type'] === 'text' && typeof b['text'] === 'string') out.push(b['text']);
  };
  for (const m of messages) visit(m.content);
  visit(content);
  return out;
}

/**
 * Every text slot of a version (as `textsOf` finds them) mapped through `f`, in order; everything
 * else is kept as it is. Messages are copied, never changed in place.
 */
export async function mapTexts(
  v: Pick<VersionContent, 'messages' | 'content'>,
  f: (text: string) => Promise<string> | string,
): Promise<{ messages: Message[]; content: Json[] | null }> {
  const mapContent = async (c: Json | undefined): Promise<Json | undefined> => {
    if (typeof c === 'string') return f(c);
    if (!Array.isArray(c)) return c;
    const blocks: Json[] = [];
    for (const b of c) {
      if (isObject(b) && b['type'] === 'text' && typeof b['text'] === 'string') {
        blocks.push({ ...b, text: await f(b['text']) } as Json);
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
  return { messages, content: v.content === null ? null : ((await mapContent(v.content)) as Json[]) };
}

export function tagsOfContent(v: Pick<VersionContent, 'messages' | 'content'>): SnippetTag[] {
  return textsOf(v.messages, v.content).flatMap(parseTags);
}

/**
 * A LIKE pattern that every version's JSON text matches when it holds a tag naming `name`: a
 * pre-filter for the exact check (`tagsOfContent`). JSON text escapes `"`, `\` and control
 * characters, so the name is matched in its JSON spelling; LIKE's own specials are escaped.
 */
export function snippetLikePattern(name: string): string {
  const json = JSON.stringify(name).slice(1, -1);
  return `%@@@${json.replace(/[\\%_]/g, '\\$&')}%`;
}
