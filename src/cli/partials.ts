// Snippet references <-> Dotprompt partials, for the body of a `.prompt` file. Pure.
//
// Lectern stores a snippet reference as PromptLayer's tag (`@@@name@@@`, `@@@name@version_number:N@@@`,
// `@@@name@label:L@@@`, model/snippet-tags.ts). A Dotprompt user expects a partial, so a file's body
// spells the same reference `{{> name}}`, `{{> name version=N}}`, `{{> name label="L"}}`, and reading
// the file turns it back: the content (and its hash) is the tag form, byte for byte.
//
// Choices:
// - A name that is a plain Handlebars path (`support/policies`) is written bare; any other name as a
//   Handlebars string literal (`{{> "a b"}}`, `"` written `\"`), which Handlebars and Dotprompt
//   resolve to the same partial name. A name Handlebars cannot spell (a line break, a trailing `\`)
//   or will not look up (`valueOf`, `constructor`: Object.prototype's own names)
//   and a tag that is not in its canonical spelling (`version_number:03`) stay tags: never lossy.
// - A pinned reference keeps its pin as a Handlebars hash argument: Dotprompt renders the partial file
//   as pulled (the snippet's latest version), Lectern keeps resolving the pinned one.
// - A text that already holds partial syntax (`{{>`) cannot be told apart from a converted tag: the
//   caller writes that body verbatim and says so (`lectern.partials: false`).
import { SNIPPET_TAG, tagOf, type SnippetTag } from '../model/snippet-tags.ts';

export class PartialSyntaxError extends Error {}

/** Handlebars' partial opener (`{{>`, `{{~>`): what a body must not hold before conversion. */
const OPEN = /\{\{~?>/;
const OPEN_ALL = /\{\{~?>/g;
const KEYWORDS = new Set(['true', 'false', 'null', 'undefined', 'else', 'this', 'as']);
const BARE = /^[A-Za-z_][\w-]*(?:\/[A-Za-z_][\w-]*)*$/;
const QUOTED = String.raw`"((?:\\"|[^"\n\r])*)"`;
/** Exactly the forms `partialOf` writes (and hand-written spacing variants of them). */
const PARTIAL = new RegExp(
  String.raw`\{\{>[ \t]*(?:${QUOTED}|([A-Za-z_][\w-]*(?:/[A-Za-z_][\w-]*)*))` +
    String.raw`(?:[ \t]+(?:version=(\d+)|label=${QUOTED}))?[ \t]*\}\}`,
  'y',
);

export const hasPartialSyntax = (text: string) => OPEN.test(text);

/** The canonical tag text of a reference. */
export function tagText(t: SnippetTag): string {
  if (t.version !== undefined) return `@@@${t.name}@version_number:${t.version}@@@`;
  if (t.label !== undefined) return `@@@${t.name}@label:${t.label}@@@`;
  return `@@@${t.name}@@@`;
}

/** A Handlebars string literal's content for a value, or null when Handlebars cannot spell it. */
function quoted(v: string): string | null {
  if (/[\n\r]/.test(v) || v.endsWith('\\')) return null;
  return `"${v.replace(/"/g, '\\"')}"`;
}
const unquote = (content: string) => content.replace(/\\"/g, '"');

const bare = (name: string) => BARE.test(name) && name.split('/').every((s) => !KEYWORDS.has(s));

/** Names Handlebars will not look a partial up by (it refuses Object.prototype's own properties). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The partial that spells a tag, or null to keep the tag as it is. */
export function partialOf(t: SnippetTag): string | null {
  if (PROTOTYPE_NAMES.has(t.name)) return null;
  const name = bare(t.name) ? t.name : quoted(t.name);
  if (name === null) return null;
  if (t.version !== undefined) return `{{> ${name} version=${t.version}}}`;
  if (t.label !== undefined) {
    const label = quoted(t.label);
    return label === null ? null : `{{> ${name} label=${label}}}`;
  }
  return `{{> ${name}}}`;
}

/** Tags -> partials. Only for a text without partial syntax of its own (see `hasPartialSyntax`). */
export function partialsOfTags(text: string): string {
  if (!text.includes('@@@')) return text;
  return text.replace(SNIPPET_TAG, (...m) => {
    const tag = tagOf(m as unknown as RegExpMatchArray);
    // Only a tag in its canonical spelling converts: `tagText` must give back the same characters.
    if (tagText(tag) !== m[0]) return m[0];
    return partialOf(tag) ?? m[0];
  });
}

/** Partials -> tags. Every `{{>` must be a partial Lectern can store; anything else is refused. */
export function tagsOfPartials(text: string): string {
  if (!OPEN.test(text)) return text;
  let out = '';
  let at = 0;
  OPEN_ALL.lastIndex = 0;
  for (let m = OPEN_ALL.exec(text); m; m = OPEN_ALL.exec(text)) {
    PARTIAL.lastIndex = m.index;
    const p = PARTIAL.exec(text);
    if (!p) {
      const shown = text.slice(m.index, m.index + 40).split('\n')[0];
      throw new PartialSyntaxError(
        `cannot read the partial ${shown}: Lectern reads {{> name}}, {{> "any name"}}, {{> name version=N}} and {{> name label="L"}}` +
          ' (a body whose {{> is literal text needs lectern.partials: false)',
      );
    }
    const [, qName, bareName, version, qLabel] = p;
    const name = qName !== undefined ? unquote(qName) : bareName!;
    if (
      name.includes('@') ||
      name === '' ||
      (qLabel !== undefined && (qLabel === '' || qLabel.includes('@')))
    )
      throw new PartialSyntaxError(`the partial ${p[0]}: snippet names and labels cannot hold @ or be empty`);
    const tag: SnippetTag =
      version !== undefined
        ? { name, version: Number(version) }
        : qLabel !== undefined
          ? { name, label: unquote(qLabel) }
          : { name };
    out += text.slice(at, m.index) + tagText(tag);
    at = m.index + p[0].length;
    OPEN_ALL.lastIndex = at;
  }
  return out + text.slice(at);
}
