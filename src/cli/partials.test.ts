import fc from 'fast-check';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import '../../test/support/fast-check-seed.ts';
import { SNIPPET_TAG, parseTags, tagOf, type SnippetTag } from '../model/snippet-tags.ts';
import { hasPartialSyntax, partialOf, partialsOfTags, tagText, tagsOfPartials } from './partials.ts';

// Names that need care: Handlebars keywords, path-like names, quotes, backslashes, braces, the
// partial opener itself, whitespace at the edges, non-ASCII, a line break, a trailing backslash.
const careful = fc.constantFrom(
  'tone',
  'support/policies',
  'a.b',
  'true',
  'else',
  'this/x',
  '1a',
  'with space',
  ' edge ',
  'q"uote',
  'back\\slash',
  'bs\\"q',
  'x}}y',
  'x{{y',
  '{{role "system"}}',
  'ünï/cødé',
  'line\nbreak',
  'trailing\\',
  'a-b_c',
  '"',
);
const name = fc.oneof(
  careful,
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('@')),
);
const tag: fc.Arbitrary<SnippetTag> = fc.oneof(
  name.map((n) => ({ name: n })),
  fc.record({ name, version: fc.integer({ min: 0, max: 999 }) }),
  fc.record({
    name,
    label: fc.oneof(
      fc.constantFrom('production', 'with "quote"', 'x\\'),
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('@')),
    ),
  }),
);
/** A text with tags between arbitrary filler (which may itself hold @, braces, quotes). */
const textWithTags = fc
  .array(fc.oneof(tag.map(tagText), fc.string({ maxLength: 6 }), fc.constantFrom('@', '{{', '}}', '\n')), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

describe('snippet references as Dotprompt partials', () => {
  it('spell each reference form as a partial and read it back', () => {
    expect(partialsOfTags('A @@@support/policies@@@ B')).toBe('A {{> support/policies}} B');
    expect(partialsOfTags('@@@tone@version_number:3@@@')).toBe('{{> tone version=3}}');
    expect(partialsOfTags('@@@tone@label:production@@@')).toBe('{{> tone label="production"}}');
    expect(partialsOfTags('@@@with space@@@ @@@q"uote@@@')).toBe('{{> "with space"}} {{> "q\\"uote"}}');
    expect(partialsOfTags('@@@true@@@')).toBe('{{> "true"}}');
    // Not spellable, or not a canonical tag: kept as the tag it is.
    expect(partialsOfTags('@@@trailing\\@@@')).toBe('@@@trailing\\@@@');
    expect(partialsOfTags('@@@a@version_number:03@@@')).toBe('@@@a@version_number:03@@@');
    // Names Handlebars refuses to look a partial up by (Object.prototype's own): kept as tags.
    expect(partialsOfTags('@@@valueOf@@@ @@@constructor@label:p@@@')).toBe(
      '@@@valueOf@@@ @@@constructor@label:p@@@',
    );
    expect(tagsOfPartials('{{>tone   label="p"  }} and {{> "a b" version=2}}')).toBe(
      '@@@tone@label:p@@@ and @@@a b@version_number:2@@@',
    );
  });

  it('refuse partial syntax Lectern cannot store, saying what it reads', () => {
    for (const bad of [
      '{{> tone ctx}}',
      '{{~> tone}}',
      '{{> tone}',
      '{{> (dyn)}}',
      '{{> "a@b"}}',
      '{{> ""}}',
    ])
      expect(() => tagsOfPartials(bad), bad).toThrow(/partial/);
  });

  // The round trip on which pull -> push being a no-op rests: any text without partial syntax of
  // its own comes back byte for byte, and its tags are the same tags.
  it('round-trip any text with tags (property)', () => {
    fc.assert(
      fc.property(textWithTags, (text) => {
        fc.pre(!hasPartialSyntax(text));
        const written = partialsOfTags(text);
        expect(tagsOfPartials(written)).toBe(text);
        expect(parseTags(tagsOfPartials(written))).toEqual(parseTags(text));
      }),
      { numRuns: 2000 },
    );
  });

  // Dotprompt's reference implementation (Handlebars underneath) must resolve exactly the snippet
  // names Lectern stores, so a registered partial is found under the snippet's own name.
  it('are resolved by Dotprompt to the snippet names (property)', async () => {
    const safeFiller = fc.stringMatching(/^[a-z \n.@]{0,6}$/);
    // A tag that stays a tag is literal text to Handlebars: keep braces and backslashes out of it.
    const tagForHandlebars = tag.filter((t) => partialOf(t) !== null || !/[{}\\]/.test(tagText(t)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(safeFiller, tagForHandlebars), { minLength: 1, maxLength: 4 }),
        async (parts) => {
          const text = parts.map(([f, t]) => f + tagText(t)).join('');
          fc.pre(!hasPartialSyntax(text));
          const written = partialsOfTags(text);
          // The references the text holds (filler may merge with a tag), those that became partials.
          const expected = [...text.matchAll(SNIPPET_TAG)]
            .map((m) => ({ raw: m[0], tag: tagOf(m) }))
            .filter(({ raw, tag }) => tagText(tag) === raw && partialOf(tag) !== null)
            .map(({ tag }) => tag.name);
          // Dotprompt keeps partials it has resolved across instances: a partial's text is a pure
          // function of its name, and the rendered names are read back from the output.
          const dp = new Dotprompt({ partialResolver: (n) => `«${encodeURIComponent(n)}»` });
          const out = await dp.render(`---\nmodel: m\n---\n${written}`, { input: {} });
          const rendered = out.messages
            .flatMap((m) => m.content.map((p) => ('text' in p ? p.text : '')))
            .join('');
          const names = [...rendered.matchAll(/«([^»]*)»/g)].map((m) => decodeURIComponent(m[1]!));
          expect(names).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
