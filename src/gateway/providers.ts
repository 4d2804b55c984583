// The LLM providers the operator configured, and which one serves a model name (specs/runtime.md
// §5.3). Every provider speaks the OpenAI chat-completions wire (OpenAI itself, Azure, Groq,
// vLLM, Ollama, a Portkey or LiteLLM sidecar, Anthropic's and Gemini's compat endpoints), so one
// is a base URL and a key. Keys live only here and in the upstream client: nothing returns them.
//
// Sources, in order (later ones add to and override earlier ones by id):
//  1. `OPENAI_BASE_URL` / `OPENAI_API_KEY` — the variables the `openai` SDK itself reads — define
//     the provider `openai`, which is also the default. A key without a base URL means
//     api.openai.com; a base URL without a key is a keyless local server.
//  2. `LECTERN_PROVIDERS_FILE`: JSON or YAML (by extension; YAML is a superset of JSON anyway)
//     `{default?: id, providers: [{id, base_url, api_key? | api_key_env?, models?, headers?,
//     timeout_ms?}]}`. `api_key_env` names a variable so the file itself can hold no secret.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface Provider {
  id: string;
  baseURL: string;
  /** Never serialised: see `describeProviders` for what may be shown. */
  apiKey: string | undefined;
  /** Exact names or `prefix*` globs this provider serves (beyond the inferred family). */
  models: string[];
  headers: Record<string, string>;
  /** Per-attempt timeout for this provider, ms. */
  timeoutMs: number | undefined;
}

export interface ProviderSet {
  providers: Map<string, Provider>;
  defaultId: string | undefined;
}

/** The provider family a model name belongs to, and the name the provider knows it by. */
export interface Inferred {
  family: string;
  apiType: 'chat-completions' | null;
  /** The model without a routing prefix (`azure/gpt-4o` → `gpt-4o`). */
  name: string;
  /** False: no rule matched, `openai` is only the OpenAI-compatible catch-all. */
  known: boolean;
}

const OPENAI_URL = 'https://api.openai.com/v1';

const FAMILIES: [RegExp, string][] = [
  [/^(gpt-|chatgpt-|o1|o3|o4|text-|davinci)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^gemini-/, 'google'],
  [/^(mistral-|mixtral-|codestral-)/, 'mistral'],
];

const PREFIXES: Record<string, string> = {
  openai: 'openai',
  azure: 'openai.azure',
  anthropic: 'anthropic',
  gemini: 'google',
  google: 'google',
  mistral: 'mistral',
  bedrock: 'amazon.bedrock',
};

/** §5.3: the provider family of a model string; anything unknown is OpenAI-compatible. */
export function inferProvider(model: string): Inferred {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const family = PREFIXES[model.slice(0, slash).toLowerCase()];
    if (family) {
      return {
        family,
        apiType: family.startsWith('openai') ? 'chat-completions' : null,
        name: model.slice(slash + 1),
        known: true,
      };
    }
  }
  for (const [re, family] of FAMILIES) {
    if (re.test(model))
      return { family, apiType: family === 'openai' ? 'chat-completions' : null, name: model, known: true };
  }
  return { family: 'openai', apiType: 'chat-completions', name: model, known: false };
}

const matches = (pattern: string, model: string) =>
  pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model;

export interface Route {
  provider: Provider;
  /** The model name sent upstream. */
  model: string;
}

/**
 * Which provider serves `model`: an explicit `models` entry first; then a provider whose id is the
 * model's routing prefix (`groq/llama-3` → provider `groq`, model `llama-3`); then one whose id is
 * the inferred family (`claude-…` → `anthropic`); then the default (also for names no rule
 * knows, e.g. NeMo's `meta/llama-3.1-8b-instruct`). Null: nothing can serve it.
 */
export function routeModel(set: ProviderSet, model: string): Route | null {
  for (const p of set.providers.values()) {
    if (p.models.some((m) => matches(m, model))) return { provider: p, model };
  }
  const slash = model.indexOf('/');
  if (slash > 0) {
    const p = set.providers.get(model.slice(0, slash));
    if (p) return { provider: p, model: model.slice(slash + 1) };
  }
  const inferred = inferProvider(model);
  // An unrecognised name goes to the operator's default, not to OpenAI by name.
  const family = inferred.known ? set.providers.get(inferred.family) : undefined;
  if (family) return { provider: family, model: inferred.name };
  const fallback = set.defaultId ? set.providers.get(set.defaultId) : undefined;
  return fallback ? { provider: fallback, model } : null;
}

/** A configuration error, raised at start so a bad file stops the server with a clear message. */
export class ProviderConfigError extends Error {}

function str(v: unknown, where: string, optional = false): string | undefined {
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new ProviderConfigError(`${where} is required`);
  }
  if (typeof v !== 'string' || v === '') throw new ProviderConfigError(`${where} must be a non-empty string`);
  return v;
}

function providerFrom(raw: unknown, i: number, env: NodeJS.ProcessEnv): Provider {
  const at = `providers[${i}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProviderConfigError(`${at} must be an object`);
  const o = raw as Record<string, unknown>;
  const id = str(o['id'], `${at}.id`)!;
  const baseURL = str(o['base_url'] ?? o['baseURL'], `${at}.base_url`)!;
  try {
    new URL(baseURL);
  } catch {
    throw new ProviderConfigError(`${at}.base_url is not a URL`);
  }
  const keyEnv = str(o['api_key_env'], `${at}.api_key_env`, true);
  const apiKey = str(o['api_key'], `${at}.api_key`, true) ?? (keyEnv ? env[keyEnv] : undefined);
  if (keyEnv && !apiKey) throw new ProviderConfigError(`${at}.api_key_env names ${keyEnv}, which is not set`);
  const models = o['models'] ?? [];
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m === ''))
    throw new ProviderConfigError(`${at}.models must be a list of model names`);
  const headers = o['headers'] ?? {};
  if (
    typeof headers !== 'object' ||
    Array.isArray(headers) ||
    Object.values(headers as object).some((h) => typeof h !== 'string')
  )
    throw new ProviderConfigError(`${at}.headers must map names to strings`);
  const timeout = o['timeout_ms'];
  if (timeout !== undefined && (!Number.isInteger(timeout) || (timeout as number) <= 0))
    throw new ProviderConfigError(`${at}.timeout_ms must be a positive integer`);
  return {
    id,
    baseURL: baseURL.replace(/\/+$/, ''),
    apiKey,
    models: models as string[],
    headers: headers as Record<string, string>,
    timeoutMs: timeout as number | undefined,
  };
}

/** Parses a providers document (already read: JSON or YAML text). */
export function parseProviders(text: string, env: NodeJS.ProcessEnv = {}): ProviderSet {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ProviderConfigError(`providers file is neither JSON nor YAML: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { providers?: unknown }).providers))
    throw new ProviderConfigError('providers file must have a `providers` list');
  const d = doc as { providers: unknown[]; default?: unknown };
  const providers = new Map<string, Provider>();
  d.providers.forEach((raw, i) => {
    const p = providerFrom(raw, i, env);
    if (providers.has(p.id)) throw new ProviderConfigError(`provider id ${p.id} is given twice`);
    providers.set(p.id, p);
  });
  const defaultId = str(d.default, 'default', true);
  if (defaultId && !providers.has(defaultId))
    throw new ProviderConfigError(`default provider ${defaultId} is not in the list`);
  return { providers, defaultId };
}

/** The providers from the environment (and the file it names). */
export function loadProviders(env: NodeJS.ProcessEnv = process.env): ProviderSet {
  const set: ProviderSet = { providers: new Map(), defaultId: undefined };
  const baseURL = env['OPENAI_BASE_URL'];
  const apiKey = env['OPENAI_API_KEY'];
  if (baseURL || apiKey) {
    set.providers.set('openai', {
      id: 'openai',
      baseURL: (baseURL || OPENAI_URL).replace(/\/+$/, ''),
      apiKey: apiKey || undefined,
      models: [],
      headers: {},
      timeoutMs: undefined,
    });
    set.defaultId = 'openai';
  }
  const file = env['LECTERN_PROVIDERS_FILE'];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ProviderConfigError(`LECTERN_PROVIDERS_FILE ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    const fromFile = parseProviders(text, env);
    for (const [id, p] of fromFile.providers) set.providers.set(id, p);
    set.defaultId = fromFile.defaultId ?? set.defaultId ?? fromFile.providers.keys().next().value;
  }
  return set;
}

/** What may be shown about the providers (ids, URLs, whether a key is set): never the key. */
export function describeProviders(set: ProviderSet) {
  return [...set.providers.values()].map((p) => ({
    id: p.id,
    base_url: p.baseURL,
    has_key: p.apiKey !== undefined,
    models: p.models,
    default: p.id === set.defaultId,
  }));
}
