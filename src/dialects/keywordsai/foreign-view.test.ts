// Versions written through other APIs, read on the Keywords AI surface: whatever another API could
// store, the Keywords AI SDK's models accept the result (specs/runtime.md §5.1; the model rules are
// test/support/keywordsai-sdk-models.ts). Keywords AI's own versions are shown as written.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeContent } from '../../model/version-content.ts';
import type { Json, JsonObject, Message, VersionContent } from '../../model/types.ts';
import { versionProblems } from '../../../test/support/keywordsai-sdk-models.ts';
import { contentFromCreate, kwFields } from './version-fields.ts';
import { foreignFields, kaMessage, kaVariables, KA_SAMPLING_DEFAULTS } from './foreign-view.ts';

const foreign = (c: Partial<VersionContent>) => completeContent({ templateFormat: 'jinja2', ...c });

describe('Keywords AI view of other APIs’ versions', () => {
  it('sampling settings a version does not set read as the product defaults', () => {
    const f = kwFields(foreign({ model: 'gpt-4o', params: { temperature: null, top_p: 0.5 } }));
    expect(f).toMatchObject({ ...KA_SAMPLING_DEFAULTS, top_p: 0.5 });
    expect(kwFields(foreign({ params: { max_tokens: 12.5 } })).max_tokens).toBe(4096);
    expect(kwFields(foreign({ params: { max_tokens: 300 } })).max_tokens).toBe(300);
  });

  it('drops placeholder messages and turns function results into tool messages', () => {
    const messages: Message[] = [
      { role: 'system', content: [{ type: 'text', text: 'S' }] },
      { role: 'placeholder', name: 'history', content: null },
      { role: 'function', name: 'lookup', content: [{ type: 'text', text: '{"ok":1}' }] },
    ];
    expect(foreignFields(foreign({ messages })).messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'S' }] },
      { role: 'tool', name: 'lookup', content: [{ type: 'text', text: '{"ok":1}' }], tool_call_id: null },
    ]);
  });

  it('text-only blocks of other products become text; others are dropped; arguments become strings', () => {
    const m = kaMessage({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'x' },
        { type: 'media', media: { url: 'u' } },
        { type: 'text', text: 'answer' },
        { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'r' }] },
      ],
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
    });
    expect(m).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'hmm' },
        { type: 'text', text: 'answer' },
        { type: 'tool_result', tool_use_id: 't1', content: '[{"type":"text","text":"r"}]' },
      ],
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
  });

  it('variable defaults: numbers and booleans as strings, objects as json, lists as text, nulls left out', () => {
    expect(
      kaVariables({
        s: 'x',
        n: 3,
        b: false,
        o: { k: 1 },
        a: [1, 'two'],
        z: null,
        typed: { _type: 'image_url', value: 'http://i' },
        badTyped: { _type: 'json', value: 'not an object' },
      }),
    ).toEqual({
      s: 'x',
      n: '3',
      b: 'false',
      o: { _type: 'json', value: { k: 1 } },
      a: { _type: 'text', value: '[1,"two"]' },
      typed: { _type: 'image_url', value: 'http://i' },
      badTyped: { _type: 'json', value: { _type: 'json', value: 'not an object' } },
    });
  });

  it('a completion template reads as one user message', () => {
    const f = kwFields(
      foreign({ templateType: 'completion', messages: [], content: [{ type: 'text', text: 'Say {x}' }] }),
    );
    expect(f.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Say {x}' }] }]);
  });

  it('a Keywords AI version is shown as written (its own nulls and variables included)', () => {
    const own = completeContent(
      contentFromCreate({ messages: [], model: 'm', temperature: null, variables: { n: 1 } } as never),
    );
    expect(kwFields(own)).toMatchObject({ temperature: null, variables: { n: 1 } });
  });

  // Anything another API could have stored: the SDK's models accept what the view shows.
  const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
  const block = fc.oneof(
    json,
    fc.record(
      {
        type: fc.constantFrom('text', 'thinking', 'media', 'image_url', 'tool_use', 'tool_result', 'code'),
        text: json,
        thinking: json,
        code: json,
        content: json,
        image_url: json,
        id: json,
        name: json,
        input: json,
        tool_use_id: json,
      },
      { requiredKeys: ['type'] },
    ),
  );
  const message = fc.record(
    {
      role: fc.oneof(
        fc.constantFrom('system', 'user', 'assistant', 'developer', 'tool', 'function', 'placeholder'),
        fc.string(),
      ),
      content: fc.oneof(json, fc.array(block, { maxLength: 4 })),
      name: json,
      tool_call_id: json,
      tool_calls: fc.oneof(
        json,
        fc.array(
          fc.record({
            id: json,
            type: json,
            function: fc.oneof(json, fc.record({ name: json, arguments: json })),
          }),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: ['role'] },
  ) as fc.Arbitrary<Message>;
  const content = fc.record({
    templateType: fc.constantFrom('chat' as const, 'completion' as const),
    messages: fc.array(message, { maxLength: 5 }),
    content: fc.oneof(fc.constant(null), fc.array(block, { maxLength: 3 })),
    model: fc.oneof(fc.constant(null), fc.string()),
    params: fc.dictionary(
      fc.constantFrom(
        'temperature',
        'max_tokens',
        'top_p',
        'frequency_penalty',
        'presence_penalty',
        'reasoning_effort',
        'stream',
        'seed',
        'other',
      ),
      json,
    ),
    variableDefaults: fc.dictionary(fc.string({ maxLength: 6 }), json) as fc.Arbitrary<JsonObject>,
    tools: fc.oneof(fc.constant(null), fc.array(json, { maxLength: 3 })),
    toolChoice: json,
    responseFormat: fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), json)),
    fallbackModels: fc.oneof(fc.constant(null), fc.array(json, { maxLength: 3 })) as fc.Arbitrary<
      string[] | null
    >,
    commitMessage: fc.oneof(fc.constant(null), fc.string()),
  });

  it('the SDK models accept every view of any foreign version (property)', () => {
    fc.assert(
      fc.property(content, (c) => {
        const v = completeContent(c as Partial<VersionContent>);
        expect(versionProblems({ version: 1, ...kwFields(v) })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
