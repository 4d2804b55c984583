// Langfuse prompt references as Lectern composition. `@@@langfusePrompt:name=X|version=N@@@` and
// `…|label=L@@@` are stored as Lectern's snippet tags (`@@@X@version_number:N@@@`,
// `@@@X@label:L@@@`; `label=latest` is `@@@X@@@`, the newest version), so PromptLayer reads expand
// them too and a snippet written there is a reference here. On a Langfuse read the registry expands
// them (model/snippet-expansion.ts: recursively, text prompts only, cycles refused, within the
// render output bound) with the resolution graph Langfuse returns; with resolve=false they are
// given back in Langfuse's syntax.
import { SNIPPET_TAG, tagOf, type SnippetTag } from '../../model/snippet-tags.ts';

/** A reference: the model's snippet tag (a name, and a version or a label). */
export type ReferenceTag = SnippetTag;

export class ReferenceError extends Error {
  constructor(
    /** A tag that does not parse; resolution failures are the expansion's SnippetError. */
    readonly kind: 'bad_tag',
    message: string,
  ) {
    super(message);
  }
}

const LANGFUSE_TAG = /@@@langfusePrompt:(.*?)@@@/g;

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

/** A reference in Langfuse's syntax. */
export const langfuseTagOf = (t: ReferenceTag) =>
  `@@@langfusePrompt:name=${t.name}|${t.version !== undefined ? `version=${t.version}` : `label=${t.label ?? 'latest'}`}@@@`;

/** Langfuse reference tags in a text as Lectern snippet tags (throws on a malformed tag). */
export function toStored(text: string): string {
  return text.includes('@@@')
    ? text.replace(LANGFUSE_TAG, (_, body: string) => storedOf(parseLangfuseTag(body)))
    : text;
}

/** Lectern snippet tags in a text as Langfuse reference tags. */
export function toLangfuse(text: string): string {
  return text.includes('@@@') ? text.replace(SNIPPET_TAG, (...m) => langfuseTagOf(tagOf(m as never))) : text;
}
