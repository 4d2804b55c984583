import fc from 'fast-check';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import '../../test/support/fast-check-seed.ts';
import { defaultContent } from '../model/version-content.ts';
import { contentHash } from '../model/content-hash.ts';
import type { Json, VersionContent } from '../model/types.ts';
import { fileNameOf, nameOfFile, parsePromptFile, writePromptFile, type PromptDoc } from './prompt-file.ts';

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
});
