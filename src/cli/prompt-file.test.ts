import fc from 'fast-check';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import '../../test/support/fast-check-seed.ts';
import { defaultContent } from '../model/version-content.ts';
import { contentHash } from '../model/content-hash.ts';
import type { Json, VersionContent } from '../model/types.ts';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DOTPROMPT_KEY,
  fileNameOf,
  nameOfFile,
  parsePromptFile,
  writePromptFile,
  type PromptDoc,
} from './prompt-file.ts';
import { tagText } from './partials.ts';

const full = (c: Partial<VersionContent>): VersionContent => ({ ...defaultContent(c.templateFormat), ...c });

const rich: PromptDoc = {
  name: 'support/triage',
  description: 'Routes a support ticket',
  tags: ['support', 'tier-1'],
  isSnippet: false,
  content: full({
    templateFormat: 'jinja2',
    messages: [
      { role: 'system', content: 'You help {{ customer }}.\n\nBe brief.' },
      { role: 'user', content: '{{ question }}' },
      { role: 'assistant', content: 'Sure:' },
    ],
    model: 'gpt-4o',
    provider: 'openai',
    params: { temperature: 0.2, max_tokens: 800, stop: ['###'] },
    variableDefaults: { plan: 'free' },
    responseFormat: {
      type: 'json_schema',
      json_schema: {
        name: 'answer',
        strict: true,
        schema: { type: 'object', properties: { a: { type: 'string' } } },
      },
    },
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    toolChoice: 'auto',
    fallbackModels: ['gpt-4o-mini'],
    loadBalanceModels: [
      { model: 'gpt-4o', weight: 3 },
      { model: 'claude-3-5-sonnet', weight: 1 },
    ],
    metadata: { owner: 'support' },
    commitMessage: 'tighten tone',
  }),
};

describe('.prompt files', () => {
  it('write a readable Dotprompt file and read it back exactly', () => {
    const text = writePromptFile(rich);
    expect(text).toMatchInlineSnapshot(`
      "---
      description: Routes a support ticket
      model: gpt-4o
      config:
        temperature: 0.2
        max_tokens: 800
        stop:
          - "###"
      input:
        default:
          plan: free
      output:
        format: json
        schema:
          type: object
          properties:
            a:
              type: string
      lectern.type: chat
      lectern.templateFormat: jinja2
      lectern.provider: openai
      lectern.tags:
        - support
        - tier-1
      lectern.output:
        name: answer
        strict: true
      lectern.tools:
        - type: function
          function:
            name: lookup
            parameters:
              type: object
      lectern.toolChoice: auto
      lectern.fallbackModels:
        - gpt-4o-mini
      lectern.loadBalanceModels:
        - model: gpt-4o
          weight: 3
        - model: claude-3-5-sonnet
          weight: 1
      lectern.metadata:
        owner: support
      lectern.commitMessage: tighten tone
      ---
      {{role "system"}}
      You help {{ customer }}.

      Be brief.
      {{role "user"}}
      {{ question }}
      {{role "model"}}
      Sure:
      "
    `);
    expect(parsePromptFile('support/triage.prompt', text)).toEqual(rich);
    expect(text).not.toContain('\r');
  });

  it('are read by the Dotprompt reference parser (lectern.* as extension fields)', () => {
    const parsed = new Dotprompt().parse(writePromptFile(rich));
    expect(parsed.model).toBe('gpt-4o');
    expect(parsed.config).toMatchObject({ temperature: 0.2 });
    expect(parsed.ext?.lectern).toMatchObject({ type: 'chat', templateFormat: 'jinja2', toolChoice: 'auto' });
    expect(parsed.template).toContain('{{role "model"}}');
  });

  it('keep all three template formats and completion templates', () => {
    for (const templateFormat of ['mustache', 'jinja2', 'f-string'] as const) {
      const doc: PromptDoc = {
        name: 'x',
        description: null,
        tags: [],
        isSnippet: false,
        content: full({
          templateFormat,
          templateType: 'completion',
          content: [{ type: 'text', text: 'Hi {name}' }],
        }),
      };
      const text = writePromptFile(doc);
      expect(text.endsWith('---\nHi {name}\n')).toBe(true);
      expect(parsePromptFile('x.prompt', text)).toEqual(doc);
    }
  });

  it('fall back to lectern.messages for messages a body cannot hold exactly', () => {
    const doc: PromptDoc = {
      ...rich,
      content: full({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: '1' }] },
          { role: 'user', content: '{{role "system"}}' },
        ],
      }),
    };
    const text = writePromptFile(doc);
    expect(text).toContain('lectern.messages:');
    expect(text.endsWith('---\n')).toBe(true);
    expect(parsePromptFile('support/triage.prompt', text)).toEqual(doc);
  });

  it('name snippets with a leading underscore and folders by slashes', () => {
    expect(fileNameOf('a/b/policies', true)).toBe('a/b/_policies.prompt');
    expect(nameOfFile('a/b/_policies.prompt')).toEqual({ name: 'a/b/policies', isSnippet: true });
    expect(nameOfFile('a\\b.prompt')).toEqual({ name: 'a/b', isSnippet: false });
  });

  it('refuse malformed files with the file name and what is wrong', () => {
    expect(() => parsePromptFile('a.prompt', 'hello')).toThrow(/a.prompt: no front matter/);
    expect(() => parsePromptFile('a.prompt', '---\nmodel: [\n---\n')).toThrow(/not valid YAML/);
    expect(() => parsePromptFile('a.prompt', '---\nlectern.bogus: 1\n---\n')).toThrow(
      /unknown key lectern.bogus/,
    );
    expect(() => parsePromptFile('a.prompt', '---\nlectern.templateFormat: erb\n---\n')).toThrow(
      /templateFormat/,
    );
    expect(() => parsePromptFile('a.prompt', '---\nvariant: x\n---\n')).toThrow(/variant is not supported/);
  });

  it('read CRLF files and text before the first marker as Dotprompt does', () => {
    const doc = parsePromptFile('a.prompt', '---\r\nmodel: m\r\n---\r\nhello\r\n{{role "model"}}\r\nok\r\n');
    expect(doc.content.messages).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'ok' },
    ]);
  });

  // Any version content survives file -> parse unchanged, and the written bytes are a fixed point.
  it('round-trip any version content (property)', () => {
    const json: fc.Arbitrary<Json> = fc
      .jsonValue({ maxDepth: 2 })
      .map((v) => JSON.parse(JSON.stringify(v)) as Json);
    const obj = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 3 });
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const message = fc.oneof(
      fc.record({ role: fc.constantFrom('system', 'user', 'assistant', 'tool', 'model'), content: text }),
      fc.record({ role: fc.string({ maxLength: 8 }), content: json, name: fc.string({ maxLength: 5 }) }),
    );
    const content = fc.record({
      templateType: fc.constantFrom('chat' as const, 'completion' as const),
      templateFormat: fc.constantFrom('mustache' as const, 'jinja2' as const, 'f-string' as const),
      messages: fc.array(message, { maxLength: 4 }),
      content: fc.oneof(
        fc.constant(null),
        fc.array(json, { maxLength: 2 }),
        text.map((t) => [{ type: 'text', text: t }]),
      ),
      model: fc.option(fc.string({ maxLength: 12 })),
      provider: fc.option(fc.string({ maxLength: 12 })),
      params: obj,
      variableDefaults: obj,
      responseFormat: fc.option(
        fc.oneof(
          obj,
          obj.map((schema) => ({ type: 'json_schema', json_schema: { name: 'n', schema } })),
        ),
      ),
      jsonSchema: fc.option(obj),
      tools: fc.option(fc.array(json, { maxLength: 2 })),
      toolChoice: json,
      functions: fc.option(fc.array(json, { maxLength: 2 })),
      functionCall: json,
      fallbackModels: fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
      loadBalanceModels: fc.option(
        fc.array(
          fc.record({
            model: fc.string({ minLength: 1, maxLength: 8 }),
            weight: fc.integer({ min: 1, max: 9 }),
          }),
          {
            maxLength: 2,
          },
        ),
      ),
      metadata: obj,
      commitMessage: fc.option(text),
    });
    fc.assert(
      fc.property(
        content,
        fc.option(text),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
        (c, description, tags) => {
          const v = full({ ...c, inputVariables: [] } as Partial<VersionContent>);
          // Completion templates carry `content`; chat templates carry `messages` (the server's rule).
          if (v.templateType === 'completion') v.messages = [];
          else v.content = null;
          const doc: PromptDoc = { name: 'p/q', description, tags, isSnippet: false, content: v };
          const file = writePromptFile(doc);
          const back = parsePromptFile('p/q.prompt', file);
          if (v.templateType === 'completion' && v.content === null) v.content = [];
          expect(back).toEqual(doc);
          expect(contentHash(back.content)).toBe(contentHash(v));
          expect(writePromptFile(back)).toBe(file);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('snippets as Dotprompt partials', () => {
    const snippet = (name: string, text: string, extra: Partial<VersionContent> = {}): PromptDoc => ({
      name,
      description: null,
      tags: [],
      isSnippet: true,
      content: full({ templateType: 'completion', content: [{ type: 'text', text }], ...extra }),
    });
    const user: PromptDoc = {
      name: 'support/triage',
      description: null,
      tags: [],
      isSnippet: false,
      content: full({
        messages: [
          {
            role: 'system',
            content:
              'You help {{customer}}.\n@@@support/policies@@@\n@@@tone@version_number:2@@@ and @@@legal notes@label:production@@@',
          },
          { role: 'user', content: '{{question}}' },
        ],
      }),
    };

    it('write references as partials, plain snippets as bare partial files, and read both back', () => {
      const text = writePromptFile(user);
      expect(text).toContain(
        '{{role "system"}}\nYou help {{customer}}.\n{{> support/policies}}\n{{> tone version=2}} and {{> "legal notes" label="production"}}\n',
      );
      expect(parsePromptFile('support/triage.prompt', text)).toEqual(user);

      const plain = snippet('support/policies', 'Refunds within 30 days.');
      expect(fileNameOf(plain.name, true)).toBe('support/_policies.prompt');
      expect(writePromptFile(plain)).toBe('Refunds within 30 days.\n');
      expect(parsePromptFile('support/_policies.prompt', 'Refunds within 30 days.\n')).toEqual(plain);
      // Not content (and not in the hash): a bare partial file leaves the commit message out.
      const committed = { ...plain, content: { ...plain.content, commitMessage: 'why' } };
      expect(writePromptFile(committed)).toBe('Refunds within 30 days.\n');
      expect(
        contentHash(parsePromptFile('support/_policies.prompt', writePromptFile(committed)).content),
      ).toBe(contentHash(committed.content));
      // A snippet with anything beyond mustache text keeps its front matter, inside a Handlebars
      // comment (Dotprompt renders a partial file whole) unless its YAML would close the comment.
      const closing = { ...snippet('tone', 'x'), description: 'ends --}}' };
      expect(writePromptFile(closing).startsWith('---\ndescription: ends --}}\n')).toBe(true);
      expect(parsePromptFile('_tone.prompt', writePromptFile(closing))).toEqual(closing);
      // A bare partial may start with a comment of its own.
      const commented = snippet('tone', '{{!-- note --}}\nBe kind.');
      expect(writePromptFile(commented)).toBe('{{!-- note --}}\nBe kind.\n');
      expect(parsePromptFile('_tone.prompt', writePromptFile(commented))).toEqual(commented);
      for (const rich of [
        snippet('tone', 'Be kind.', { model: 'gpt-4o' }),
        snippet('tone', 'Be kind.', { templateFormat: 'jinja2' }),
        { ...snippet('tone', 'Be kind.'), tags: ['x'] },
        snippet('tone', '---\nstarts like front matter'),
        snippet('tone', '{{!--\n---\nstarts like commented front matter\n---\n--}}'),
        { ...snippet('tone', 'x'), content: full({ messages: [{ role: 'user', content: 'chat snippet' }] }) },
      ]) {
        const file = writePromptFile(rich);
        expect(file.startsWith('{{!--\n---\n'), file).toBe(true);
        expect(file).toMatch(/\n---\n--\}\}\n/);
        expect(parsePromptFile('_tone.prompt', file)).toEqual(rich);
      }
    });

    it('keep a body whose {{> …}} is literal text verbatim, and refuse partials Lectern cannot store', () => {
      const literal: PromptDoc = {
        ...user,
        content: full({ messages: [{ role: 'user', content: 'literal {{> x}} and @@@tone@@@' }] }),
      };
      const file = writePromptFile(literal);
      expect(file).toContain('lectern.partials: false');
      expect(file).toContain('literal {{> x}} and @@@tone@@@');
      expect(parsePromptFile('support/triage.prompt', file)).toEqual(literal);
      expect(() => parsePromptFile('a.prompt', '---\n---\n{{role "user"}}\n{{> x ctx}}\n')).toThrow(
        /a.prompt: cannot read the partial \{\{> x ctx\}\}/,
      );
      expect(() => parsePromptFile('_s.prompt', 'text {{#> block}}{{/block}}')).not.toThrow();
      expect(() => parsePromptFile('_s.prompt', 'text {{~> x}}')).toThrow(
        /_s.prompt: cannot read the partial/,
      );
    });

    // A Dotprompt directory store reads `_name.prompt` whole as the partial `name` (dir/name for
    // sub-folders). Every pulled file renders with its partials registered that way.
    it('render with the Dotprompt reference implementation, partials loaded as its DirStore does', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lectern-partials-'));
      try {
        const docs = [
          user,
          snippet('support/policies', 'Refunds within 30 days.'),
          { ...snippet('tone', 'Be {{adjective}}.'), tags: ['style'] }, // front matter in a comment
          snippet('legal notes', 'No advice.'),
        ];
        for (const d of docs) {
          const path = join(dir, fileNameOf(d.name, d.isSnippet));
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, writePromptFile(d));
        }
        const dp = new Dotprompt({
          partialResolver: (name) => {
            const i = name.lastIndexOf('/');
            return readFile(join(dir, name.slice(0, i + 1), `_${name.slice(i + 1)}.prompt`), 'utf8');
          },
        });
        const source = await readFile(join(dir, 'support/triage.prompt'), 'utf8');
        const out = await dp.render(source, { input: { customer: 'Ada', adjective: 'kind', question: 'q' } });
        const system = out.messages[0]!.content.map((p) => ('text' in p ? p.text : '')).join('');
        // A reference on a line of its own reads exactly as Lectern expands it; one inside a line
        // also gets the partial file's final newline (docs/prompts-in-git.md).
        expect(system).toBe('\nYou help Ada.\nRefunds within 30 days.\nBe kind.\n and No advice.\n\n');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    // pull -> push is a no-op: any prompt or snippet whose texts hold references (names that need
    // care, pins) reads back to the same content and hash, and the bytes are a fixed point.
    it('round-trip references in prompts and snippets (property)', () => {
      const name = fc.oneof(
        fc.constantFrom(
          'support/policies',
          'with space',
          'q"uote',
          'back\\slash',
          'true',
          'x}}y',
          'ünï',
          'a\nb',
          'end\\',
        ),
        fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('@')),
      );
      const tag = fc.oneof(
        name.map((n) => tagText({ name: n })),
        fc.record({ name, version: fc.nat(99) }).map(tagText),
        fc.record({ name, label: fc.constantFrom('production', 'a "b"', 'c d') }).map(tagText),
      );
      const text = fc
        .array(fc.oneof(tag, fc.string({ maxLength: 5 }), fc.constantFrom('\n', '{{x}}', '{{> p}}', '@')), {
          maxLength: 6,
        })
        .map((p) => p.join(''));
      const doc = fc.record({
        isSnippet: fc.boolean(),
        completion: fc.boolean(),
        texts: fc.array(text, { minLength: 1, maxLength: 3 }),
        commitMessage: fc.option(fc.string({ maxLength: 5 })),
        model: fc.option(fc.constant('gpt-4o')),
      });
      fc.assert(
        fc.property(doc, (d) => {
          const content = full({
            model: d.model,
            commitMessage: d.commitMessage,
            ...(d.completion
              ? { templateType: 'completion', content: [{ type: 'text', text: d.texts[0]! }] }
              : { messages: d.texts.map((t) => ({ role: 'user', content: t })) }),
          });
          const p: PromptDoc = { name: 'p/q', description: null, tags: [], isSnippet: d.isSnippet, content };
          const rel = fileNameOf(p.name, p.isSnippet);
          const file = writePromptFile(p);
          const back = parsePromptFile(rel, file);
          expect(contentHash(back.content)).toBe(contentHash(content));
          expect({ ...back.content, commitMessage: null }).toEqual({ ...content, commitMessage: null });
          expect(writePromptFile(back)).toBe(file);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('input.schema (Picoschema)', () => {
    const schema = { customer: 'string, display name', 'plan?(enum, billing plan)': ['free', 'pro'] };
    const doc: PromptDoc = {
      ...rich,
      content: full({
        messages: [{ role: 'user', content: 'Hi {{customer}}' }],
        variableDefaults: { plan: 'free' },
        metadata: { owner: 'support', [DOTPROMPT_KEY]: { input_schema: schema } },
      }),
    };

    it('is kept in the version metadata and written back as input.schema', () => {
      const text = writePromptFile(doc);
      expect(text).toContain(
        'input:\n  schema:\n    customer: string, display name\n    plan?(enum, billing plan):\n      - free\n      - pro\n  default:\n    plan: free\n',
      );
      expect(text).toContain('lectern.metadata:\n  owner: support\n');
      expect(text).not.toContain(DOTPROMPT_KEY);
      expect(parsePromptFile('support/triage.prompt', text)).toEqual(doc);
      // Dotprompt reads it as its own input schema.
      expect(new Dotprompt().parse(text).input?.schema).toEqual(schema);
      // Other keys under _dotprompt stay in lectern.metadata.
      const more = {
        ...doc,
        content: { ...doc.content, metadata: { [DOTPROMPT_KEY]: { input_schema: 'string', other: 1 } } },
      };
      expect(parsePromptFile('a.prompt', writePromptFile(more))).toEqual({ ...more, name: 'a' });
    });

    it('round-trips any schema beside any other metadata (property)', () => {
      const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);
      const obj = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 3 });
      fc.assert(
        fc.property(json, obj, obj, fc.option(obj, { nil: undefined }), (schema, rest, dpRest, defaults) => {
          const metadata = { ...rest, [DOTPROMPT_KEY]: { ...dpRest, input_schema: schema } };
          const d: PromptDoc = {
            ...doc,
            content: { ...doc.content, metadata, variableDefaults: defaults ?? {} },
          };
          const file = writePromptFile(d);
          const back = parsePromptFile('support/triage.prompt', file);
          expect(back).toEqual(d);
          expect(contentHash(back.content)).toBe(contentHash(d.content));
          expect(writePromptFile(back)).toBe(file);
          expect(new Dotprompt().parse(file).input?.schema).toEqual(schema);
        }),
        { numRuns: 300 },
      );
    });

    it('refuses a schema given twice and input keys Lectern does not read', () => {
      expect(() =>
        parsePromptFile(
          'a.prompt',
          `---\ninput:\n  schema: { a: string }\nlectern.metadata:\n  ${DOTPROMPT_KEY}:\n    input_schema: {}\n---\n`,
        ),
      ).toThrow(/a.prompt: input.schema and lectern.metadata._dotprompt.input_schema cannot both be given/);
      expect(() => parsePromptFile('a.prompt', '---\ninput:\n  bogus: 1\n---\n')).toThrow(
        /input.bogus is not supported/,
      );
    });
  });
});
