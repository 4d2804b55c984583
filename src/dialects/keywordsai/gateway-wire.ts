// Keywords AI's gateway wire (specs/runtime.md §2.1) → the gateway's run input, pure. Where the
// Keywords AI params come from (highest first): top-level body fields, `respan_params` /
// `keywordsai_params`, then the `X-Data-Respan-Params` / `X-Data-Keywordsai-Params` header
// (base64 JSON). None of them is forwarded upstream.
import { badRequest } from '../../model/errors.ts';
import type { Json, JsonObject } from '../../model/types.ts';
import { PRODUCTION_LABEL } from '../../model/types.ts';
import type { PromptVariable, RunInput, RunSummary } from '../../gateway/run.ts';
import type { WeightedModel } from '../../gateway/policy.ts';
import { promptIdOf, promptRefOf } from './ids.ts';

const obj = (v: unknown): JsonObject | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;

/** The Keywords AI params of a request, by precedence. A bad header is a 400, never ignored. */
export function kaParams(body: JsonObject, header: string | undefined): JsonObject {
  let fromHeader: JsonObject = {};
  if (header !== undefined && header !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    } catch {
      throw badRequest('X-Data-Respan-Params must be base64 of a JSON object');
    }
    fromHeader = obj(parsed) ?? {};
    if (!obj(parsed)) throw badRequest('X-Data-Respan-Params must be base64 of a JSON object');
  }
  const nested = obj(body['respan_params']) ?? obj(body['keywordsai_params']) ?? {};
  return { ...fromHeader, ...nested, ...body };
}

const MAX_VERSION = 2_147_483_647;

function selectorOf(version: Json | undefined): { selector: RunInput['selector']; label: string | null } {
  if (version === undefined || version === null)
    return { selector: { label: PRODUCTION_LABEL }, label: PRODUCTION_LABEL };
  if (version === 'latest') return { selector: { latest: true }, label: null };
  const n = typeof version === 'string' && /^\d{1,10}$/.test(version) ? Number(version) : version;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_VERSION)
    throw badRequest('prompt.version must be a version number or "latest"', { field: 'prompt.version' });
  return { selector: { number: n }, label: null };
}

/** `{_type, value}` variables → values the engines render; `_type: "prompt"` → a nested prompt. */
export function variablesOf(
  raw: JsonObject | undefined,
  depth = 0,
): {
  variables: Record<string, unknown>;
  prompts: Record<string, PromptVariable>;
} {
  const variables: Record<string, unknown> = {};
  const prompts: Record<string, PromptVariable> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    const o = obj(v);
    if (!o || typeof o['_type'] !== 'string') {
      variables[name] = v;
      continue;
    }
    switch (o['_type']) {
      case 'text':
      case 'image_url':
      case 'json':
        variables[name] = o['value'] ?? '';
        break;
      case 'prompt': {
        if (depth >= 2) throw badRequest(`variable ${name}: prompt composition is deeper than 2`);
        if (typeof o['prompt_id'] !== 'string')
          throw badRequest(`variable ${name}: a prompt variable needs a prompt_id`, {
            field: `prompt.variables.${name}`,
          });
        const inner = variablesOf(obj(o['variables']), depth + 1);
        prompts[name] = {
          prompt: true,
          ref: promptRefOf(o['prompt_id']),
          selector: selectorOf(o['version']).selector,
          variables: { ...inner.variables, ...inner.prompts },
        };
        break;
      }
      default:
        throw badRequest(`variable ${name}: unknown _type ${JSON.stringify(o['_type'])}`, {
          field: `prompt.variables.${name}`,
        });
    }
  }
  return { variables, prompts };
}

function weighted(list: Json | undefined, field: string): WeightedModel[] | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) throw badRequest(`${field} must be a list`, { field });
  return list.map((m, i) => {
    const o = obj(m);
    const weight = o?.['weight'] ?? 1;
    if (
      !o ||
      typeof o['model'] !== 'string' ||
      o['model'] === '' ||
      typeof weight !== 'number' ||
      !(weight > 0)
    )
      throw badRequest(`${field}[${i}] needs a model and a weight > 0`, { field });
    const creds = obj(o['credentials']);
    return { model: o['model'], weight, ...(creds ? { credentials: creds } : {}) };
  });
}

function strings(list: Json | undefined, field: string): string[] | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list) || list.some((m) => typeof m !== 'string' || m === ''))
    throw badRequest(`${field} must be a list of model names`, { field });
  return list as string[];
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export interface KaRun {
  input: Omit<RunInput, 'signal'>;
  echo: boolean;
  /** `request_breakdown: true`: the run's figures go in the answer (requestBreakdown). */
  breakdown: boolean;
}

/** A validated `/api/chat/completions` body (schema-checked shapes) → the gateway's input. */
export function kaRunInput(body: JsonObject, header: string | undefined): KaRun {
  const p = kaParams(body, header);
  const prompt = obj(p['prompt']);
  if (!prompt) throw badRequest('prompt is required: this gateway runs stored prompts', { field: 'prompt' });
  if (typeof prompt['prompt_id'] !== 'string')
    throw badRequest('prompt.prompt_id is required', { field: 'prompt.prompt_id' });
  const v2 = prompt['schema_version'] === 2;
  const patch = obj(prompt['patch']);
  if (patch && ('messages' in patch || 'input' in patch))
    throw badRequest('prompt.patch cannot contain messages or input', { field: 'prompt.patch' });
  const { selector, label } = selectorOf(prompt['version']);
  const { variables, prompts } = variablesOf(obj(prompt['variables']));
  let loadBalance = weighted(p['load_balance_models'] ?? p['loadbalance_models'], 'load_balance_models');
  const group = obj(p['load_balance_group']);
  if (group && !loadBalance) {
    loadBalance = weighted(group['models'], 'load_balance_group.models');
    // Lectern has no stored load-balance groups (the product keeps them in its UI).
    if (!loadBalance) throw badRequest('unknown load balance group', { field: 'load_balance_group' });
    // For a group, an explicit model wins over it (the product's rule).
    if (typeof body['model'] === 'string') loadBalance = null;
  }
  const rp = obj(p['retry_params']);
  const retry = rp
    ? rp['retry_enabled'] === false
      ? null
      : {
          retries: typeof rp['num_retries'] === 'number' ? rp['num_retries'] : 3,
          baseMs: (typeof rp['retry_after'] === 'number' ? rp['retry_after'] : 0.2) * 1000,
        }
    : null;
  const cc = obj(p['customer_credentials']) ?? obj(p['credential_override']);
  const apiKey = typeof cc?.['api_key'] === 'string' ? cc['api_key'] : undefined;
  const customer = obj(p['customer_params']);
  const override = prompt['override'] === true;
  const overrideConfig = obj(prompt['override_config']);
  return {
    echo: prompt['echo'] !== false,
    breakdown: p['request_breakdown'] === true,
    input: {
      source: 'ka.gateway',
      ref: promptRefOf(prompt['prompt_id']),
      selector,
      label,
      variables,
      promptVariables: prompts,
      // A missing variable renders empty (the product's Jinja2 default).
      renderMode: 'lenient',
      merge: {
        mode: v2 ? 'append' : override ? 'prompt_wins' : 'request_wins',
        request: body,
        ...(!v2 && obj(prompt['override_params']) ? { overrideParams: obj(prompt['override_params'])! } : {}),
        overrideMessages: overrideConfig?.['messages_override_mode'] === 'append' ? 'append' : 'override',
        ...(v2 && patch ? { patch } : {}),
        fallbackModels: strings(p['fallback_models'], 'fallback_models'),
        loadBalanceModels: loadBalance,
      },
      disableFallback: p['disable_fallback'] === true,
      retry,
      ...(apiKey ? { apiKey } : {}),
      logBodies: p['disable_log'] !== true,
      log: {
        metadata: obj(p['metadata']) ?? {},
        customerIdentifier: str(p['customer_identifier']) ?? str(customer?.['customer_identifier']),
        customerName: str(customer?.['name']) ?? str(p['customer_name']),
        customerEmail: str(customer?.['email']) ?? str(p['customer_email']),
        customIdentifier: str(p['custom_identifier']),
        threadIdentifier: str(p['thread_identifier']),
        groupIdentifier: str(p['group_identifier']) ?? str(customer?.['group_identifier']),
        traceId: str(p['trace_unique_id']),
        spanName: str(p['span_name']),
        parentSpanId: str(p['span_parent_id']),
        ...(typeof p['positive_feedback'] === 'boolean'
          ? {
              scores: [
                { name: 'positive_feedback', value: p['positive_feedback'] ? 1 : 0, source: 'ka.gateway' },
              ],
            }
          : {}),
      },
    },
  };
}

/**
 * Keywords AI's `request_breakdown` (runtime.md §2.1): the run's figures as its logging API shows
 * them — tokens, cost (USD), latency and time to first token in seconds, the model, status, the
 * messages sent and the message answered — plus the version that ran. In a JSON answer it is the
 * `request_breakdown` field; in a stream, the fields of a last chunk whose `id` is
 * `"request_breakdown"` (breakdownChunk).
 */
export function requestBreakdown(
  s: RunSummary,
  run: { messages: Json[]; promptId: string; versionNumber: number; log?: KaRun['input']['log'] },
): JsonObject {
  const total =
    s.inputTokens === null && s.outputTokens === null ? null : (s.inputTokens ?? 0) + (s.outputTokens ?? 0);
  return {
    prompt_tokens: s.inputTokens,
    completion_tokens: s.outputTokens,
    total_tokens: total,
    cost: s.costUsd,
    latency: s.latencyMs / 1000,
    time_to_first_token: s.ttftMs === null ? null : s.ttftMs / 1000,
    model: s.responseModel ?? s.model,
    provider_id: s.provider,
    status_code: s.statusCode,
    status: 'success',
    stream: s.stream,
    cached: false,
    timestamp: s.endTime.toISOString(),
    prompt_messages: run.messages,
    completion_message: s.completionMessage,
    prompt_id: promptIdOf(run.promptId),
    prompt_version_number: run.versionNumber,
    customer_identifier: run.log?.customerIdentifier ?? null,
    metadata: (run.log?.metadata ?? {}) as JsonObject,
  };
}

/** The last event of a stream asked for a breakdown (before `data: [DONE]`). */
export function breakdownChunk(b: JsonObject): string {
  return `data: ${JSON.stringify({ id: 'request_breakdown', ...b })}\n\n`;
}
