// TypeBox schemas of the Keywords AI wire: every version field with the product's range. A value out
// of range is a 400 naming the field (see errors.ts). Unknown keys are accepted and ignored, as the
// product's serializers do (the old SDK sends server-owned fields such as id, readonly, version).
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Obj = Type.Record(Type.String(), Type.Unknown());

export const MESSAGE_ROLES = [
  'system',
  'user',
  'assistant',
  'tool',
  'developer',
  'function',
  'none',
] as const;
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export const VERBOSITIES = ['low', 'medium', 'high'] as const;
export const TOOL_CHOICES = ['auto', 'none', 'required'] as const;
export const RESPONSE_FORMAT_TYPES = ['text', 'json_object', 'json_schema', 'json'] as const;

const literals = (vals: readonly string[]) => Type.Union(vals.map((v) => Type.Literal(v)));

export const KwMessage = Type.Object(
  {
    role: literals(MESSAGE_ROLES),
    content: Type.Optional(Nullable(Type.Union([Type.String(), Type.Array(Type.Unknown())]))),
  },
  { additionalProperties: true },
);

export const LoadBalanceModel = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 256 }),
    weight: Type.Number({ exclusiveMinimum: 0 }),
    credentials: Type.Optional(Obj),
  },
  { additionalProperties: true },
);

/** Every writable version field; all optional here (create adds `messages` and `model` as required). */
export const versionFields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  messages: Type.Optional(Type.Array(KwMessage, { maxItems: 10_000 })),
  thinking: Type.Optional(Nullable(Obj)),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  stream: Type.Optional(Type.Boolean()),
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2 }))),
  max_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000 }))),
  top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
  frequency_penalty: Type.Optional(Nullable(Type.Number({ minimum: -2, maximum: 2 }))),
  presence_penalty: Type.Optional(Nullable(Type.Number({ minimum: -2, maximum: 2 }))),
  reasoning_effort: Type.Optional(Nullable(literals(REASONING_EFFORTS))),
  verbosity: Type.Optional(Nullable(literals(VERBOSITIES))),
  seed: Type.Optional(
    Nullable(Type.Integer({ minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991 })),
  ),
  variables: Type.Optional(Nullable(Obj)),
  fallback_models: Type.Optional(
    Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100 })),
  ),
  load_balance_models: Type.Optional(Nullable(Type.Array(LoadBalanceModel, { maxItems: 100 }))),
  tools: Type.Optional(Nullable(Type.Array(Obj, { maxItems: 1_000 }))),
  tool_choice: Type.Optional(Nullable(Type.Union([literals(TOOL_CHOICES), Obj]))),
  response_format: Type.Optional(
    Nullable(
      Type.Object({ type: Type.Optional(literals(RESPONSE_FORMAT_TYPES)) }, { additionalProperties: true }),
    ),
  ),
  json_schema: Type.Optional(Nullable(Obj)),
  is_enforcing_response_format: Type.Optional(Type.Boolean()),
  deploy: Type.Optional(Type.Boolean()),
};

export const VersionPatchBody = Type.Object(versionFields, { additionalProperties: true });
export type VersionPatch = Static<typeof VersionPatchBody>;

export const VersionCreateBody = Type.Object(
  {
    ...versionFields,
    messages: Type.Array(KwMessage, { maxItems: 10_000 }),
    model: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: true },
);

export const PromptParams = Type.Object({ prompt_id: Type.String({ maxLength: 200 }) });
export const VersionParams = Type.Object({
  prompt_id: Type.String({ maxLength: 200 }),
  version: Type.String({ maxLength: 200 }),
});

/** Page-number pagination: parsed leniently like DRF (see pagination.ts), so plain strings here. */
export const PageQuery = Type.Object(
  {
    page: Type.Optional(Type.String({ maxLength: 20 })),
    page_size: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: true },
);
