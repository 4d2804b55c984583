/** Rendering whole versions: messages with string or part content, per-message formats, defaults. */
import { describe, expect, it } from 'vitest';
import {
  clearTemplateCache,
  extractVersionVariables,
  renderVersionMessages,
  templateCacheStats,
  TemplateError,
} from './index.ts';

const messages = [
  { role: 'system', content: 'You are {name}.', name: 'sys', extra: { keep: true } },
  {
    role: 'user',
    template_format: 'jinja2',
    content: [
      { type: 'text', text: 'Hi {{ name }}, topic: {{ topic }}' },
      { type: 'image_url', image_url: { url: 'https://x/{{ name }}.png' } },
    ],
  },
  { role: 'assistant', template_format: 'mustache', content: '{{#items}}- {{.}}\n{{/items}}' },
  { role: 'tool', content: null, tool_call_id: 'c1' },
];

describe('renderVersionMessages', () => {
  it('renders every text slot in its own format, keeps other parts and unknown keys, never mutates input', () => {
    const before = JSON.stringify(messages);
    const result = renderVersionMessages({
      messages,
      defaultFormat: 'f-string',
      variableDefaults: { name: 'Default', topic: 'cats', items: ['a'] },
      variables: { name: 'Ada', items: ['x', 'y'] },
    });
    expect(JSON.stringify(messages)).toBe(before);
    expect(result.messages).toEqual([
      { role: 'system', content: 'You are Ada.', name: 'sys', extra: { keep: true } },
      {
        role: 'user',
        template_format: 'jinja2',
        content: [
          { type: 'text', text: 'Hi Ada, topic: cats' },
          { type: 'image_url', image_url: { url: 'https://x/{{ name }}.png' } },
        ],
      },
      { role: 'assistant', template_format: 'mustache', content: '- x\n- y\n' },
      { role: 'tool', content: null, tool_call_id: 'c1' },
    ]);
    expect(result.missing).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.messages![0]!['extra']).not.toBe(messages[0]!['extra']);
  });

  it('strict mode throws once naming the missing variables of all messages', () => {
    try {
      renderVersionMessages({ messages, defaultFormat: 'f-string', variables: {} });
      throw new Error('expected failure');
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).code).toBe('missing_variables');
      expect((err as TemplateError).missing).toEqual(['items', 'name', 'topic']);
    }
  });

  it('lenient mode renders missing variables empty and reports them once', () => {
    const result = renderVersionMessages({
      messages,
      defaultFormat: 'f-string',
      variables: { name: 'A' },
      mode: 'lenient',
    });
    expect(result.missing).toEqual(['items', 'topic']);
    expect(result.warnings).toEqual(['Missing variables rendered as empty: items, topic']);
    expect((result.messages![1]!['content'] as Array<{ text?: string }>)[0]!.text).toBe('Hi A, topic: ');
  });

  it('renders completion content parts with the default format', () => {
    const content = [
      { type: 'text', text: 'Summarise {{ doc }}' },
      { type: 'file', id: 'f' },
    ];
    const result = renderVersionMessages({ content, defaultFormat: 'jinja2', variables: { doc: 'D' } });
    expect(result.content).toEqual([
      { type: 'text', text: 'Summarise D' },
      { type: 'file', id: 'f' },
    ]);
    expect(result.messages).toBeNull();
  });

  it('parses each template once across repeated renders of a version', () => {
    clearTemplateCache();
    for (let i = 0; i < 20; i++) {
      renderVersionMessages({
        messages,
        defaultFormat: 'f-string',
        variables: { name: 'A', topic: 't', items: [] },
      });
    }
    expect(templateCacheStats().parses).toBe(3);
  });

  it('rejects an unknown per-message format', () => {
    expect(() =>
      renderVersionMessages({
        messages: [{ role: 'user', content: 'x', template_format: 'erb' }],
        defaultFormat: 'f-string',
      }),
    ).toThrow(/Unsupported template format/);
  });
});

describe('extractVersionVariables', () => {
  it('returns the sorted union across messages, parts and completion content', () => {
    expect(extractVersionVariables(messages, [{ type: 'text', text: '{extra}' }], 'f-string')).toEqual([
      'extra',
      'items',
      'name',
      'topic',
    ]);
  });
});
