// TypeBox schemas of NeMo's request shapes, with its constraints, so validation failures come out
// as the pydantic errors NeMo reports (see errors.ts). Unknown top-level keys are ignored, as
// pydantic's default `extra=ignore` does.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Obj = Type.Record(Type.String(), Type.Unknown());

/** The entity store's naming rule (workspaces, projects, prompts). */
export const NAME_PATTERN = '^[a-z](?!.*--)[a-z0-9\\-@.+_]{1,62}(?<!-)$';
export const EntityName = Type.String({ maxLength: 63, pattern: NAME_PATTERN });

export const ROLES = ['system', 'developer', 'user', 'assistant'] as const;

export const PromptMessage = Type.Object({
  role: Type.Unsafe<(typeof ROLES)[number]>({ type: 'string', enum: [...ROLES] }),
  content: Type.String(),
});

export const FunctionDefinition = Type.Object({
  name: Type.String({ maxLength: 255 }),
  description: Type.Optional(Nullable(Type.String())),
  parameters: Type.Optional(Nullable(Obj)),
  strict: Type.Optional(Nullable(Type.Boolean())),
});

export const ChatCompletionTool = Type.Object({
  type: Type.Literal('function'),
  function: FunctionDefinition,
});

export const InferenceParams = Type.Object(
  {
    model: Type.Optional(Nullable(Type.String())),
    temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2 }))),
    top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
    max_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    max_completion_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    stop: Type.Optional(Nullable(Type.Array(Type.String()))),
  },
  { additionalProperties: true },
);

const promptFields = {
  project: Type.Optional(Nullable(Type.String({ maxLength: 255, pattern: '^[\\w\\-./]+$' }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  messages: Type.Optional(Type.Array(PromptMessage, { maxItems: 10_000 })),
  input_variables: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
  tools: Type.Optional(Nullable(Type.Array(ChatCompletionTool, { maxItems: 1000 }))),
  tool_choice: Type.Optional(Type.Union([Type.String(), Obj, Type.Null()])),
  response_format: Type.Optional(Nullable(Obj)),
  inference_params: Type.Optional(Nullable(InferenceParams)),
  tags: Type.Optional(Nullable(Type.Array(Type.String(), { maxItems: 1000 }))),
};

export const CreatePromptBody = Type.Object({ name: EntityName, ...promptFields });
export const UpdatePromptBody = Type.Object(promptFields);
export type UpdatePromptBodyT = Static<typeof UpdatePromptBody>;

const PathName = Type.String({ maxLength: 255 });
export const WorkspacePath = Type.Object({ workspace: PathName });
/** `/workspaces/{name}` of the entity store. */
export const WorkspaceNamePath = Type.Object({ name: PathName });
/** `{workspace}/…/{name}`: a prompt or a project. */
export const PromptPath = Type.Object({ workspace: PathName, name: PathName });
export const ProjectPath = PromptPath;

export const PROMPT_SORTS = [
  'name',
  '-name',
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
] as const;
export type PromptSort = (typeof PROMPT_SORTS)[number];

export const PageQuery = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
};

export const PromptListQuery = Type.Object(
  {
    ...PageQuery,
    sort: Type.Unsafe<PromptSort>({ type: 'string', enum: [...PROMPT_SORTS], default: 'created_at' }),
  },
  { additionalProperties: true },
);

export const NamedBody = Type.Object({
  name: EntityName,
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
});

/** A workspace's or project's PUT: the name comes from the path. */
export const UpdateNamedBody = Type.Object({
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
});
