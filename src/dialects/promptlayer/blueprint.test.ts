import { describe, expect, it } from 'vitest';
import { messageProblems, templateProblems, toolProblems } from './blueprint.ts';

const text = (s: string) => [{ type: 'text', text: s }];

describe('PromptLayer blueprint rules', () => {
  it('accepts every role with its required fields, and plain-string content', () => {
    for (const m of [
      { role: 'system', content: text('s') },
      { role: 'user', content: 'plain string', template_format: 'jinja2' },
      { role: 'developer', content: [] },
      { role: 'assistant' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f' } }],
      },
      { role: 'tool', content: text('r'), tool_call_id: 'c1' },
      { role: 'function', name: 'f' },
      { role: 'placeholder', name: 'history' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }], extra: 1 },
    ]) {
      expect(messageProblems(m as never, []), JSON.stringify(m)).toEqual([]);
    }
  });

  it('names the broken field of each role rule', () => {
    const first = (m: unknown) => messageProblems(m as never, ['messages', 0])[0];
    expect(first('hi')).toMatchObject({ path: ['messages', 0], type: 'model_type' });
    expect(first({ content: text('x') })).toMatchObject({ path: ['messages', 0, 'role'], type: 'missing' });
    expect(first({ role: 'wizard', content: text('x') })).toMatchObject({
      path: ['messages', 0, 'role'],
      type: 'union_tag_invalid',
    });
    expect(first({ role: 'user' })).toMatchObject({ path: ['messages', 0, 'content'], type: 'missing' });
    expect(first({ role: 'system', content: null })).toMatchObject({ type: 'list_type' });
    expect(first({ role: 'user', content: 7 })).toMatchObject({ type: 'list_type' });
    expect(first({ role: 'user', content: [{ text: 'x' }] })).toMatchObject({
      path: ['messages', 0, 'content', 0, 'type'],
    });
    expect(first({ role: 'user', content: [{ type: 'text', text: 3 }] })).toMatchObject({
      path: ['messages', 0, 'content', 0, 'text'],
      type: 'string_type',
    });
    expect(first({ role: 'user', content: text('x'), template_format: 'mustache' })).toMatchObject({
      path: ['messages', 0, 'template_format'],
      type: 'literal_error',
    });
    expect(first({ role: 'tool', content: text('x') })).toMatchObject({
      path: ['messages', 0, 'tool_call_id'],
    });
    expect(first({ role: 'function' })).toMatchObject({ path: ['messages', 0, 'name'] });
    expect(first({ role: 'placeholder', name: '' })).toMatchObject({ path: ['messages', 0, 'name'] });
    expect(first({ role: 'assistant', tool_calls: 'x' })).toMatchObject({ type: 'list_type' });
    expect(first({ role: 'assistant', tool_calls: [{ function: {} }] })).toMatchObject({
      path: ['messages', 0, 'tool_calls', 0],
    });
  });

  it('checks tools, functions and completion content of a whole template', () => {
    expect(toolProblems({ type: 'web_search', id: 'x', config: {} }, [])).toEqual([]);
    expect(toolProblems({ type: 'function', function: {} }, ['tools', 1])[0]).toMatchObject({
      path: ['tools', 1, 'function', 'name'],
    });
    expect(
      templateProblems({
        type: 'chat',
        messages: [{ role: 'user', content: text('x') }],
        tools: [{ function: { name: 'f' } }],
        functions: [{ description: 'no name' }],
      }).map((p) => p.path),
    ).toEqual([
      ['tools', 0, 'type'],
      ['functions', 0, 'name'],
    ]);
    expect(
      templateProblems({ type: 'completion', content: [{ type: 'text', text: 'ok' }, 'bare'] }).map(
        (p) => p.path,
      ),
    ).toEqual([['content', 1]]);
  });
});
