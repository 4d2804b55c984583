// Provider configuration and model routing (specs/runtime.md §5.3), pure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ProviderConfigError,
  describeProviders,
  inferProvider,
  loadProviders,
  parseProviders,
  routeModel,
} from './providers.ts';

describe('inferProvider', () => {
  it.each([
    ['gpt-4o', 'openai', 'gpt-4o'],
    ['o3-mini', 'openai', 'o3-mini'],
    ['azure/gpt-4o', 'openai.azure', 'gpt-4o'],
    ['claude-3-5-sonnet', 'anthropic', 'claude-3-5-sonnet'],
    ['anthropic/claude-x', 'anthropic', 'claude-x'],
    ['gemini-2.0-flash', 'google', 'gemini-2.0-flash'],
    ['mixtral-8x7b', 'mistral', 'mixtral-8x7b'],
    ['bedrock/titan', 'amazon.bedrock', 'titan'],
    ['meta/llama-3.1-8b-instruct', 'openai', 'meta/llama-3.1-8b-instruct'],
  ])('%s → %s', (model, family, name) => {
    expect(inferProvider(model)).toMatchObject({ family, name });
  });
});

describe('configuration', () => {
  it('OPENAI_BASE_URL and OPENAI_API_KEY alone define the default provider', () => {
    const set = loadProviders({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/', OPENAI_API_KEY: 'sk-x' });
    expect(routeModel(set, 'meta/llama-3')).toMatchObject({
      provider: { id: 'openai', baseURL: 'http://127.0.0.1:9/v1' },
      model: 'meta/llama-3',
    });
    expect(loadProviders({}).providers.size).toBe(0);
  });

  it('a YAML file adds providers, keys from named variables, explicit model lists first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'providers-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      [
        'default: local',
        'providers:',
        '  - id: local',
        '    base_url: http://127.0.0.1:8000/v1',
        '    models: ["llama-*"]',
        '  - id: anthropic',
        '    base_url: https://api.anthropic.com/v1',
        '    api_key_env: ANTHROPIC_KEY',
        '  - id: groq',
        '    base_url: https://api.groq.com/openai/v1',
        '    api_key: gsk-1',
      ].join('\n'),
    );
    const set = loadProviders({
      LECTERN_PROVIDERS_FILE: file,
      ANTHROPIC_KEY: 'sk-ant',
      OPENAI_API_KEY: 'sk-o',
    });
    expect(routeModel(set, 'llama-3')!.provider.id).toBe('local');
    expect(routeModel(set, 'claude-3-haiku')!.provider.apiKey).toBe('sk-ant');
    expect(routeModel(set, 'groq/llama3-70b')).toMatchObject({
      provider: { id: 'groq' },
      model: 'llama3-70b',
    });
    expect(routeModel(set, 'gpt-4o')!.provider.id).toBe('openai');
    expect(routeModel(set, 'something-else')!.provider.id).toBe('local');
    // What may be shown never includes a key.
    expect(JSON.stringify(describeProviders(set))).not.toMatch(/sk-|gsk-/);
  });

  it('bad files fail at start with a clear message', () => {
    expect(() => parseProviders('{')).toThrow(ProviderConfigError);
    expect(() => parseProviders('providers: [{id: a}]')).toThrow(/base_url is required/);
    expect(() => parseProviders('providers: [{id: a, base_url: "not a url"}]')).toThrow(/not a URL/);
    expect(() => parseProviders('providers: [{id: a, base_url: "http://x", api_key_env: NOPE}]', {})).toThrow(
      /NOPE/,
    );
    expect(() => parseProviders('{"providers": [], "default": "x"}')).toThrow(/default provider/);
    expect(() => loadProviders({ LECTERN_PROVIDERS_FILE: '/nonexistent/file.json' })).toThrow(/ENOENT/);
  });
});
