// The merge of a run request over a version (specs/runtime.md §2.1.2, §3.3), pure, and the
// stream folding for the log.
import { describe, expect, it } from 'vitest';
import type { VersionContent } from '../model/types.ts';
import { mergeRun } from './merge.ts';
import { aggregateSse } from './aggregate.ts';
import { upstreamMessages } from './messages.ts';

const V = {
  model: 'gpt-4o',
  params: {
    temperature: 0.2,
    max_tokens: null,
    stream: true,
    variables: { a: 1 },
    is_enforcing_response_format: true,
  },
  tools: null,
  toolChoice: null,
  responseFormat: { type: 'json_object' },
  functions: null,
  functionCall: null,
  fallbackModels: ['v-fallback'],
  loadBalanceModels: null,
} as unknown as VersionContent;
const P = [{ role: 'system', content: 'S' }];

describe('mergeRun', () => {
  it('request_wins (v1 override:false): the request’s fields win; nulls and Keywords AI keys never go up', () => {
    const m = mergeRun(V, P, {
      mode: 'request_wins',
      request: {
        model: 'req',
        messages: [{ role: 'user', content: '.' }],
        temperature: 1,
        prompt: {},
        metadata: {},
      },
    });
    expect(m.body).toEqual({
      model: 'req',
      messages: [{ role: 'user', content: '.' }],
      temperature: 1,
      response_format: { type: 'json_object' },
    });
    // The version's stream:true never makes a non-stream request stream.
    expect(m.body).not.toHaveProperty('stream');
  });
  it('prompt_wins (v1 override:true) and override_params on top (append mode)', () => {
    const m = mergeRun(V, P, {
      mode: 'prompt_wins',
      request: { model: 'req', messages: [{ role: 'user', content: '.' }], temperature: 1, stream: true },
      overrideParams: { temperature: 0.5, messages: [{ role: 'user', content: 'o' }] },
      overrideMessages: 'append',
    });
    expect(m.body['model']).toBe('gpt-4o');
    expect(m.body['temperature']).toBe(0.5);
    expect(m.body['messages']).toEqual([...P, { role: 'user', content: 'o' }]);
    expect(m.body['stream']).toBe(true);
    expect(m.body['stream_options']).toEqual({ include_usage: true });
  });
  it('append (v2): prompt is the base, request messages after it, patch last', () => {
    const m = mergeRun(V, P, {
      mode: 'append',
      request: { messages: [{ role: 'user', content: 'u' }], temperature: 1 },
      patch: { temperature: 0.9 },
    });
    expect(m.body['messages']).toEqual([...P, { role: 'user', content: 'u' }]);
    expect(m.body['temperature']).toBe(0.9);
  });
  it('lists: the version’s when the prompt wins, the request’s otherwise (version as default)', () => {
    expect(
      mergeRun(V, P, { mode: 'prompt_wins', request: {}, fallbackModels: ['r'] }).fallbackModels,
    ).toEqual(['v-fallback']);
    expect(
      mergeRun(V, P, { mode: 'request_wins', request: {}, fallbackModels: ['r'] }).fallbackModels,
    ).toEqual(['r']);
    expect(mergeRun(V, P, { mode: 'request_wins', request: {} }).fallbackModels).toEqual(['v-fallback']);
  });
});

describe('upstreamMessages', () => {
  it('keeps only the chat wire: placeholders dropped, extras cut, tool arguments stringified', () => {
    expect(
      upstreamMessages([
        { role: 'placeholder', content: null },
        {
          role: 'user',
          content: [{ type: 'text', text: 'hi', cache_control: null }],
          template_format: 'f-string',
          input_variables: [],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
        },
      ]),
    ).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
    ]);
  });
});

describe('aggregateSse', () => {
  it('folds content, tool calls, finish reason and usage; notes a mid-stream error', () => {
    const sse = [
      {
        id: 'c1',
        model: 'm',
        created: 1,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }],
      },
      { id: 'c1', model: 'm', choices: [{ index: 0, delta: { content: 'lo' } }] },
      {
        id: 'c1',
        model: 'm',
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{"a"' } },
              ],
            },
          },
        ],
      },
      {
        id: 'c1',
        model: 'm',
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      },
      { id: 'c1', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } },
    ]
      .map((c) => `data: ${JSON.stringify(c)}\n\n`)
      .join('');
    const a = aggregateSse(`${sse}data: [DONE]\n\n`);
    expect(a.response).toMatchObject({
      id: 'c1',
      model: 'm',
      choices: [
        {
          message: {
            content: 'Hello',
            tool_calls: [{ id: 't', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3 },
    });
    expect(a.error).toBeNull();
    expect(aggregateSse('data: {"error":{"message":"boom"}}\n\n').error).toEqual({ message: 'boom' });
  });
});
