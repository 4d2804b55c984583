// The Langfuse mapping's pure rules: config round trip, reference tags <-> snippet tags, f-string /
// Jinja2 conversion for Langfuse clients, and the error envelope's Retry-After and exact texts.
// (Reference resolution is the registry's snippet expansion: model/snippet-expansion.test.ts.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Mustache from 'mustache';
import { completeContent } from '../../model/version-content.ts';
import { unavailable, LecternError } from '../../model/errors.ts';
import type { JsonObject } from '../../model/types.ts';
import { configOf, contentOfConfig, messagesOfWire, wireMessages } from './mapping.ts';
import { toLangfuse, toStored, ReferenceError } from './references.ts';
import { fstringToLangfuse, jinjaToLangfuse, NotRepresentable } from './template-format.ts';
import { lfFault, toLfError } from './errors.ts';

const KNOWN = [
  'model',
  'provider',
  'temperature',
  'max_tokens',
  'tools',
  'tool_choice',
  'response_format',
  'json_schema',
  'functions',
  'function_call',
  'seed',
  'stop',
];

describe('config', () => {
  it('every config comes back as it was sent, whatever its keys and values', () => {
    const config = fc.dictionary(
      fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 6 })),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(config, (c) => {
        const v = completeContent(contentOfConfig(c as JsonObject));
        expect(configOf(v)).toEqual(c);
      }),
    );
  });

  it('known keys land in the model fields every API sees', () => {
    const c = contentOfConfig({
      model: 'gpt-4o',
      temperature: 0.1,
      tools: [],
      response_format: { type: 'json_object' },
      x: 1,
    });
    expect(c).toMatchObject({
      model: 'gpt-4o',
      params: { temperature: 0.1 },
      tools: [],
      responseFormat: { type: 'json_object' },
    });
    expect(c.metadata).toEqual({ _langfuse: { config: { x: 1 } } });
  });
});

describe('chat messages', () => {
  it('placeholders are PromptLayer placeholder messages; chatmessage type is not stored or sent', () => {
    const stored = messagesOfWire([
      { role: 'user', content: 'hi', type: 'chatmessage' },
      { type: 'placeholder', name: 'history' },
    ]);
    expect(stored).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'placeholder', name: 'history' },
    ]);
    expect(
      wireMessages([
        ...stored,
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ]),
    ).toEqual([
      { role: 'user', content: 'hi' },
      { type: 'placeholder', name: 'history' },
      { role: 'user', content: 'ab' },
    ]);
  });
});

describe('reference tags', () => {
  const name = fc
    .stringMatching(/^[a-z][a-z0-9/_-]{0,12}$/)
    .filter((s) => !s.includes('//') && !s.endsWith('/'));
  const label = fc.stringMatching(/^[a-z0-9_.-]{1,10}$/);
  const tag = fc.oneof(
    fc
      .tuple(name, fc.integer({ min: 1, max: 999 }))
      .map(([n, v]) => `@@@langfusePrompt:name=${n}|version=${v}@@@`),
    fc.tuple(name, label).map(([n, l]) => `@@@langfusePrompt:name=${n}|label=${l}@@@`),
  );
  it('round-trip through Lectern snippet tags, in any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(tag, fc.stringMatching(/^[^@]{0,8}$/)), { maxLength: 5 }), (parts) => {
        const text = parts.join('');
        expect(toLangfuse(toStored(text))).toBe(text);
      }),
    );
  });
  it('store as PromptLayer snippets (label=latest: the newest version)', () => {
    expect(toStored('a @@@langfusePrompt:name=x|label=latest@@@ @@@langfusePrompt:name=y|version=2@@@')).toBe(
      'a @@@x@@@ @@@y@version_number:2@@@',
    );
    for (const bad of [
      'name=x',
      'name=x|version=1|label=p',
      'version=1',
      'name=x|version=0',
      'name=a@b|label=p',
    ])
      expect(() => toStored(`@@@langfusePrompt:${bad}@@@`)).toThrow(ReferenceError);
  });
});

describe('template formats for Langfuse clients', () => {
  const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
  const piece = fc.oneof(
    fc.stringMatching(/^[^{}]{1,6}$/).map((s) => ({ text: s, f: s })),
    ident.map((n) => ({ text: `{${n}}`, f: `<${n}>`, name: n })),
    fc.constant({ text: '{{', f: '{' }),
    fc.constant({ text: '}}', f: '}' }),
  );
  it('an f-string converts to a template that mustache renders like str.format, or is refused', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const src = pieces.map((p) => p.text).join('');
        const vars = Object.fromEntries(
          pieces.filter((p) => 'name' in p).map((p) => [p.name!, `<${p.name}>`]),
        );
        const expected = pieces.map((p) => p.f).join('');
        let converted: string;
        try {
          converted = fstringToLangfuse(src);
        } catch (e) {
          expect(e).toBeInstanceOf(NotRepresentable);
          return;
        }
        expect(Mustache.render(converted, vars, {}, { escape: (s: string) => s })).toBe(expected);
      }),
    );
  });
  it('refuses f-string fields Langfuse cannot express, and Jinja2 beyond plain variables', () => {
    for (const t of ['{a.b}', '{0}', '{x!r}', '{n:>4}', '{}', 'a } b'])
      expect(() => fstringToLangfuse(t)).toThrow(NotRepresentable);
    expect(jinjaToLangfuse('Hi {{ name }} and {{x}}')).toBe('Hi {{ name }} and {{x}}');
    for (const t of ['{% if a %}x{% endif %}', '{{ name | upper }}', '{# c #}', '{{ a + b }}'])
      expect(() => jinjaToLangfuse(t)).toThrow(NotRepresentable);
  });
});

describe('error envelope', () => {
  it('503 and 429 carry Retry-After; the public-key-only and credential texts are Langfuse’s', () => {
    expect(toLfError(unavailable('database unreachable', 2))).toMatchObject({
      status: 503,
      retryAfter: 2,
      error: 'ServiceUnavailableError',
    });
    expect(lfFault({ kind: 'rate_limited', retryAfter: 5 }, 'slow down')).toMatchObject({
      status: 429,
      retryAfter: 5,
    });
    expect(lfFault({ kind: 'forbidden', reason: 'public_key_only' }, '')).toEqual({
      status: 403,
      error: 'ForbiddenError',
      message: 'Access denied - need to use basic auth with secret key to GET prompts',
    });
    expect(
      toLfError(new LecternError({ kind: 'unauthorized', reason: 'key_pair_mismatch' }, 'x')).message,
    ).toBe("Invalid credentials. Confirm that you've configured the correct host.");
    expect(toLfError(new Error('boom'))).toMatchObject({ status: 500, message: 'Internal Server Error' });
  });
});
