// Versions written through other APIs, read on the PromptLayer surface: `metadata.model` and
// `llm_kwargs` that PromptLayer's run() can call a provider with (specs/runtime.md §5.2–5.3).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeContent } from '../../model/version-content.ts';
import type { Json, JsonObject } from '../../model/types.ts';
import { providerOfModel } from '../../model/provider-of-model.ts';
import { foreignModel, providerParameters } from './foreign-view.ts';
import { buildLlmKwargs } from './llm-kwargs.ts';
import { contentFromWire, metadataWire } from './mapping.ts';

const msgs = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi {{ name }}' },
];
/** A version as Keywords AI's create writes it: product defaults, nulls for the unset extras. */
const kaVersion = (model: string, extra: Record<string, unknown> = {}) => {
  const { fallback_models, ...params } = extra;
  return completeContent({
    templateFormat: 'jinja2',
    messages: msgs,
    model,
    params: {
      stream: false,
      temperature: 0.7,
      max_tokens: 4096,
      top_p: 1,
      frequency_penalty: 0,
      presence_penalty: 0,
      reasoning_effort: null,
      verbosity: null,
      seed: null,
      thinking: null,
      ...(params as JsonObject),
    },
    responseFormat: { type: 'text' },
    fallbackModels: (fallback_models as string[] | undefined) ?? null,
    metadata: { is_enforcing_response_format: false },
  });
};

describe('provider inference from the model name (§5.3)', () => {
  it.each([
    ['gpt-4o-mini', 'openai', 'chat-completions', 'gpt-4o-mini'],
    ['o3-mini', 'openai', 'chat-completions', 'o3-mini'],
    ['openai/gpt-4o', 'openai', 'chat-completions', 'openai/gpt-4o'],
    ['azure/my-deploy', 'openai.azure', 'chat-completions', 'my-deploy'],
    ['claude-3-5-sonnet-latest', 'anthropic', null, 'claude-3-5-sonnet-latest'],
    ['gemini-2.0-flash', 'google', null, 'gemini-2.0-flash'],
    ['mistral-large-latest', 'mistral', null, 'mistral-large-latest'],
    ['bedrock/anthropic.claude-v2', 'amazon.bedrock', null, 'bedrock/anthropic.claude-v2'],
    ['meta/llama-3.1-8b-instruct', 'openai', 'chat-completions', 'meta/llama-3.1-8b-instruct'],
  ])('%s → %s', (model, provider, apiType, name) => {
    expect(providerOfModel(model)).toMatchObject({ provider, apiType, model: name });
  });
});

describe('PromptLayer view of other APIs’ versions', () => {
  it('a Keywords AI version gets a provider, api_type and only the parameters OpenAI takes', () => {
    const v = kaVersion('gpt-4o-mini', { fallback_models: ['gpt-4o'], seed: null, reasoning_effort: null });
    expect(metadataWire(v)).toMatchObject({
      model: {
        provider: 'openai',
        name: 'gpt-4o-mini',
        api_type: 'chat-completions',
        parameters: {
          temperature: 0.7,
          max_tokens: 4096,
          top_p: 1,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
      },
    });
    const params = (metadataWire(v)!['model'] as JsonObject)['parameters'] as JsonObject;
    expect(Object.keys(params).sort()).toEqual(
      ['frequency_penalty', 'max_tokens', 'presence_penalty', 'temperature', 'top_p'].sort(),
    );
    const kw = buildLlmKwargs({ version: v, messages: v.messages, content: null })!;
    expect(kw).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi {{ name }}' }] },
      ],
      model: 'gpt-4o-mini',
      temperature: 0.7,
      max_tokens: 4096,
      top_p: 1,
      frequency_penalty: 0,
      presence_penalty: 0,
    });
  });

  it('a Claude version: Anthropic kwargs without the OpenAI-only penalties, max_tokens kept', () => {
    const v = kaVersion('claude-3-5-haiku-latest', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    const m = foreignModel(v)!;
    expect(m).toMatchObject({ provider: 'anthropic', apiType: null });
    expect(m.parameters).toEqual({
      temperature: 0.7,
      max_tokens: 4096,
      top_p: 1,
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    const kw = buildLlmKwargs({ version: v, messages: v.messages, content: null })!;
    expect(kw).toMatchObject({ system: 'Be brief.', model: 'claude-3-5-haiku-latest', max_tokens: 4096 });
    expect(kw).not.toHaveProperty('frequency_penalty');
    expect(metadataWire(v)!['model']).not.toHaveProperty('api_type');
  });

  it('a NeMo version (no provider, an OpenAI-compatible model) runs as openai', () => {
    const v = completeContent({
      templateFormat: 'jinja2',
      messages: msgs,
      model: 'meta/llama-3.1-8b-instruct',
      params: { max_tokens: 100, stop: ['\n'], temperature: null },
    });
    expect(metadataWire(v)!['model']).toEqual({
      provider: 'openai',
      name: 'meta/llama-3.1-8b-instruct',
      api_type: 'chat-completions',
      parameters: { max_tokens: 100, stop: ['\n'] },
    });
    expect(providerParameters(v.params, 'anthropic', 'claude-x')).toEqual({
      max_tokens: 100,
      stop_sequences: ['\n'],
    });
  });

  it('reasoning settings only where the model takes them', () => {
    const p = { reasoning_effort: 'high', verbosity: 'low', thinking: { type: 'enabled', budget_tokens: 1 } };
    expect(providerParameters(p, 'openai', 'gpt-4o')).toEqual({});
    expect(providerParameters(p, 'openai', 'o3-mini')).toEqual({ reasoning_effort: 'high' });
    expect(providerParameters(p, 'openai', 'gpt-5')).toEqual({ reasoning_effort: 'high', verbosity: 'low' });
    expect(providerParameters({ reasoning_effort: 'ultra' }, 'openai', 'o3')).toEqual({});
    expect(providerParameters(p, 'anthropic', 'claude-4')).toEqual({ thinking: p.thinking });
  });

  it('a stored provider wins over the inference; a version without a model has no metadata.model', () => {
    const v = completeContent({ messages: msgs, model: 'my-model', provider: 'anthropic', params: {} });
    expect(foreignModel(v)).toMatchObject({ provider: 'anthropic', name: 'my-model' });
    expect(metadataWire(completeContent({ messages: msgs }))).toBeNull();
  });

  it('a PromptLayer version is shown as written (its nulls and keys included)', () => {
    const c = completeContent(
      contentFromWire(
        { type: 'chat', messages: [] },
        { model: { provider: 'openai', name: 'gpt-4o', parameters: { max_tokens: null, stream: true } } },
        null,
      ),
    );
    expect(metadataWire(c)).toEqual({
      model: { provider: 'openai', name: 'gpt-4o', parameters: { max_tokens: null, stream: true } },
    });
  });

  const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  it('never a null value, a routing key or stream in parameters or llm_kwargs (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'temperature',
            'max_tokens',
            'stream',
            'fallback_models',
            'load_balance_models',
            'variables',
            'is_enforcing_response_format',
            'reasoning_effort',
            'verbosity',
            'thinking',
            'seed',
            'stop',
            'top_k',
          ),
          fc.oneof(fc.constant(null), json),
        ),
        fc.constantFrom('gpt-4o', 'o3', 'gpt-5', 'claude-3-opus', 'meta/llama', 'gemini-pro', 'azure/x'),
        (params, model) => {
          const v = completeContent({ messages: msgs, model, params: params as JsonObject });
          const m = foreignModel(v)!;
          const kw = buildLlmKwargs({ version: v, messages: v.messages, content: null })!;
          for (const bag of [m.parameters, kw]) {
            for (const [k, val] of Object.entries(bag)) {
              expect(val, k).not.toBeNull();
              expect(['stream', 'fallback_models', 'load_balance_models', 'variables']).not.toContain(k);
            }
          }
          expect(typeof m.name).toBe('string');
          if (m.provider === 'openai' || m.provider === 'openai.azure')
            expect(m.apiType).toBe('chat-completions');
          if (m.provider === 'anthropic') expect(typeof kw['max_tokens']).not.toBe('undefined');
        },
      ),
      { numRuns: 300 },
    );
  });
});
