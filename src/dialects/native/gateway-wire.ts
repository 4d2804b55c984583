// The native gateway routes' request shapes → the gateway's run input, pure. Both native routes
// take the version as the base layer: request messages are appended after the prompt's, and the
// request's own parameters (temperature, max_tokens, tools …) replace the version's on top. The
// request's `model` is used only when the version sets none (the openai SDK's types make every
// caller send one), unless `prompt.model` / `model_override` asks for another on purpose.
import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '../../model/errors.ts';
import type { JsonObject } from '../../model/types.ts';
import { PRODUCTION_LABEL } from '../../model/types.ts';
import type { RunInput } from '../../gateway/run.ts';
import { promptRef, versionSelector } from './mapping.ts';
import { Obj, VersionRef } from './schemas.ts';

const Models = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 64 });

/** Routing controls shared by both native routes (Portkey's names where it has them). */
export const Routing = {
  fallback_models: Type.Optional(Models),
  disable_fallback: Type.Optional(Type.Boolean()),
  load_balance_models: Type.Optional(
    Type.Array(
      Type.Object(
        {
          model: Type.String({ minLength: 1, maxLength: 256 }),
          weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 64 },
    ),
  ),
  retry: Type.Optional(
    Type.Object(
      {
        attempts: Type.Integer({ minimum: 0, maximum: 10 }),
        backoff_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
      },
      { additionalProperties: false },
    ),
  ),
  on_status_codes: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 599 }), { maxItems: 64 })),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
  metadata: Type.Optional(Obj),
};

type RoutingT = { [K in keyof typeof Routing]?: Static<(typeof Routing)[K]> };

export function selectorOf(label: string | undefined, version: number | 'latest' | undefined) {
  if (label !== undefined && version !== undefined) throw badRequest('send label or version, not both');
  if (version !== undefined) return { selector: versionSelector(version), label: null };
  const l = label ?? PRODUCTION_LABEL;
  return { selector: { label: l }, label: l };
}

/** The request's params that replace the version's (never messages or model). */
function patchOf(params: JsonObject, modelOverride: string | undefined): JsonObject {
  const { messages: _m, model: _model, stream: _s, prompt: _p, ...rest } = params;
  return modelOverride ? { ...rest, model: modelOverride } : rest;
}

export function routingOf(b: RoutingT): Pick<
  RunInput,
  'disableFallback' | 'retry' | 'onStatusCodes' | 'timeoutMs'
> & {
  fallbackModels: string[] | null;
  loadBalanceModels: { model: string; weight: number }[] | null;
} {
  return {
    fallbackModels: b.fallback_models ?? null,
    loadBalanceModels: b.load_balance_models?.map((m) => ({ model: m.model, weight: m.weight ?? 1 })) ?? null,
    disableFallback: b.disable_fallback === true,
    retry: b.retry ? { retries: b.retry.attempts, baseMs: b.retry.backoff_ms ?? 1000 } : null,
    onStatusCodes: b.on_status_codes ?? null,
    ...(b.timeout_ms !== undefined ? { timeoutMs: b.timeout_ms } : {}),
  };
}

export function nativeRunInput(o: {
  prompt: string;
  workspace: string | undefined;
  label: string | undefined;
  version: number | 'latest' | undefined;
  variables: JsonObject | undefined;
  request: JsonObject;
  modelOverride: string | undefined;
  routing: RoutingT;
  strict: boolean;
}): Omit<RunInput, 'signal'> {
  const { selector, label } = selectorOf(o.label, o.version);
  const { fallbackModels, loadBalanceModels, ...routing } = routingOf(o.routing);
  return {
    source: 'native',
    ref: promptRef(o.prompt, o.workspace),
    selector,
    label,
    variables: o.variables ?? {},
    renderMode: o.strict ? 'strict' : 'lenient',
    merge: {
      mode: 'append',
      request: o.request,
      patch: patchOf(o.request, o.modelOverride),
      fallbackModels,
      loadBalanceModels,
    },
    ...routing,
    log: { metadata: (o.routing.metadata ?? {}) as JsonObject },
  };
}

export { VersionRef };
