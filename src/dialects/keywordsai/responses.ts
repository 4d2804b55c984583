// Response schemas of the Keywords AI dialect, in the order wire.ts writes their fields (the
// serialiser writes declared fields in schema order, required first). Messages, call parameters,
// variables, tools and JSON schemas are the client's own: unconstrained values.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Anything, errorResponses, nullable, ref } from '../common/schema.ts';

const NullableString = nullable(Type.String());
const NullableInteger = nullable(Type.Integer());
const KwTime = nullable(Type.String({ description: 'ISO-8601 with microseconds' }));

export const Version = Type.Object(
  {
    id: Type.String({ description: '`<prompt_id>-<version>`' }),
    prompt_version_id: Type.String(),
    version: Type.Integer(),
    description: NullableString,
    messages: Anything('chat messages, with any keys the client sent'),
    thinking: Anything(),
    model: Type.String(),
    stream: Type.Boolean(),
    temperature: Anything(),
    max_tokens: Anything(),
    top_p: Anything(),
    frequency_penalty: Anything(),
    presence_penalty: Anything(),
    reasoning_effort: Anything(),
    verbosity: Anything(),
    seed: Anything(),
    variables: Anything('variable defaults'),
    fallback_models: Anything(),
    load_balance_models: Anything(),
    tools: Anything(),
    tool_choice: Anything(),
    response_format: Anything(),
    json_schema: Anything(),
    is_enforcing_response_format: Type.Boolean(),
    readonly: Type.Boolean(),
    is_deployed: Type.Boolean(),
    edited_by: Anything('{email, first_name, last_name, api_key_id} or null'),
    prompt: Type.Integer(),
    parent_prompt: Type.String(),
    created_at: KwTime,
    updated_at: KwTime,
  },
  { $id: 'KeywordsAiVersion' },
);

export const Prompt = Type.Object(
  {
    id: Type.String({ description: '32 hex digits' }),
    prompt_id: Type.String(),
    full_prompt_id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    prompt_slug: Type.String(),
    tags: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        color: Type.String(),
        created_at: KwTime,
        updated_at: KwTime,
      }),
    ),
    current_version: nullable(ref(Version)),
    live_version: nullable(ref(Version)),
    prompt_live_version_number: NullableInteger,
    commit_count: Type.Integer(),
    starred: Type.Boolean(),
    prompt_versions: nullable(Type.Array(ref(Version))),
    prompt_activities: Anything(),
    is_example: Type.Boolean(),
    blurred: Type.Boolean(),
    is_deleted: Type.Boolean(),
    created_at: KwTime,
    updated_at: KwTime,
  },
  { $id: 'KeywordsAiPrompt' },
);

/** Django REST Framework's error envelope. */
export const Error = Type.Object({ detail: Type.String() }, { $id: 'KeywordsAiError' });

/** The gateway's error envelope (POST /api/chat/completions), as OpenAI-compatible clients read it. */
export const GatewayError = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String(),
      code: Type.String(),
      param: Type.Null(),
    }),
  },
  { $id: 'KeywordsAiGatewayError' },
);

export const components: TSchema[] = [Version, Prompt, Error, GatewayError];

/** A DRF page: count, absolute next/previous links, results. */
const page = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: NullableString,
    previous: NullableString,
    results: Type.Array(ref(item)),
  });
export const PromptPage = page(Prompt);
export const VersionPage = page(Version);
// Routes answer with references to the components, never the components themselves: a schema with
// an $id used as a route's own schema confuses the serialiser's resolution of the others.
export const VersionBody = ref(Version);
export const PromptBody = ref(Prompt);
export const Summary = Type.Object({ total_count: Type.Integer() });
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });

export type PromptT = Static<typeof Prompt>;
export type VersionT = Static<typeof Version>;
export type PromptPageT = Static<typeof PromptPage>;
export type VersionPageT = Static<typeof VersionPage>;
export type ErrorT = Static<typeof Error>;
export type SummaryT = Static<typeof Summary>;

export const errors = errorResponses(ref(Error), [400, 401, 403, 404, 409, 413, 429]);
export const gatewayErrors = errorResponses(ref(GatewayError), [400, 401, 403, 404, 413, 422, 429]);
