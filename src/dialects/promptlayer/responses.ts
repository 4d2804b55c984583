// Response schemas of the PromptLayer dialect, in the order PromptLayer's server writes its fields
// (the serialiser writes declared fields in schema order, required first). Templates, metadata and
// llm_kwargs are PromptLayer's own nested shapes with client keys kept: unconstrained values.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Anything, Shaped, Timestamp, errorResponses, nullable, ref } from '../common/schema.ts';

const NullableString = nullable(Type.String());
const NullableInteger = nullable(Type.Integer());
const Strings = Type.Array(Type.String());

/** A content block of a message or completion: `{type: 'text', text}`, media…; client keys kept. */
export interface BlockT {
  type: string;
  text?: string;
  [key: string]: unknown;
}
export interface MessageT {
  role: string;
  content: BlockT[];
  input_variables: string[];
  template_format: string;
  [key: string]: unknown;
}
/** A chat template has `messages`, a completion template `content`. */
export interface TemplateT {
  type: 'chat' | 'completion';
  messages?: MessageT[];
  content?: BlockT[];
  input_variables: string[];
  [key: string]: unknown;
}
export interface MetadataT {
  model?: {
    provider: string | null;
    name: string | null;
    parameters: Record<string, unknown>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
const Template = Shaped<TemplateT>('the prompt_template: chat {messages, …} or completion {content, …}');
const Metadata = Shaped<MetadataT | null>('custom metadata plus model {provider, name, parameters}, or null');

export const ExternalId = Type.Object(
  { source: Type.String(), external_id: Type.String() },
  { $id: 'PromptLayerExternalId' },
);

/** The publish / patch / upsert answer (CreatePromptTemplateResponse). */
export const Created = Type.Object(
  {
    id: Type.Integer(),
    prompt_name: Type.String(),
    prompt_version_id: Type.Integer(),
    version_number: Type.Integer(),
    tags: Strings,
    release_labels: nullable(Strings),
    prompt_template: Template,
    metadata: Metadata,
    commit_message: NullableString,
    external_ids: Type.Array(ref(ExternalId)),
  },
  { $id: 'PromptLayerCreated' },
);

export const ReleaseLabel = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    prompt_id: Type.Integer(),
    prompt_version_id: Type.Integer(),
    created_at: Timestamp,
  },
  { $id: 'PromptLayerReleaseLabel' },
);

export const ExternalIds = Type.Object(
  {
    prompt_template_id: Type.Integer(),
    external_ids: Type.Array(
      Type.Object({ source: Type.String(), external_id: Type.String(), created_at: Timestamp }),
    ),
  },
  { $id: 'PromptLayerExternalIds' },
);

/** One problem of a 422 (FastAPI/pydantic): where (`['body', 'prompt_version', …]`), what, its kind. */
export const DetailItem = Type.Object(
  {
    loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
    msg: Type.String(),
    type: Type.String(),
  },
  { $id: 'PromptLayerDetailItem' },
);

/** Every error but a schema failure: `{success: false, message, error: 'Not Found'}`. */
export const Error = Type.Object(
  { success: Type.Boolean(), message: Type.String(), error: Type.String() },
  { $id: 'PromptLayerError' },
);

/** FastAPI's answer to a body that fails the schema or does not parse (422). */
export const ValidationError = Type.Object(
  { detail: Type.Array(ref(DetailItem)) },
  { $id: 'PromptLayerValidationError' },
);

export const ListItem = Type.Object(
  {
    id: Type.Integer(),
    prompt_name: Type.String(),
    tags: Strings,
    folder_id: NullableInteger,
    parent_folder_name: NullableString,
    full_folder_path: NullableString,
    workspace_id: Type.Integer(),
    is_snippet: Type.Boolean(),
    status: Type.String({ description: '`active` or `deleted`' }),
    prompt_template: Anything('the prompt_template, or null for a deleted template'),
    version: NullableInteger,
    prompt_version_id: NullableInteger,
    commit_message: NullableString,
    metadata: Metadata,
    llm_kwargs: Anything(),
    external_ids: Type.Array(ref(ExternalId)),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'PromptLayerListItem' },
);

// Routes answer with references to the components, never the components themselves: a schema with
// an $id used as a route's own schema confuses the serialiser's resolution of the others.
export const CreatedBody = ref(Created);
export const ReleaseLabelBody = ref(ReleaseLabel);
export const ExternalIdsBody = ref(ExternalIds);

export const components: TSchema[] = [
  ExternalId,
  Created,
  ReleaseLabel,
  ExternalIds,
  DetailItem,
  Error,
  ValidationError,
  ListItem,
];

export const List = Type.Object({
  items: Type.Array(ref(ListItem)),
  page: Type.Integer(),
  per_page: Type.Integer(),
  pages: Type.Integer(),
  total: Type.Integer(),
  has_next: Type.Boolean(),
  has_prev: Type.Boolean(),
  next_num: NullableInteger,
  prev_num: NullableInteger,
});

/** GET /prompt-templates/{identifier}: the version as stored. */
export const Raw = Type.Object({
  success: Type.Boolean(),
  id: Type.Integer(),
  prompt_name: Type.String(),
  version: Type.Integer(),
  prompt_version_id: Type.Integer(),
  workspace_id: Type.Integer(),
  prompt_template: Template,
  snippets: Anything('the snippets expanded into the template'),
  metadata: Metadata,
  commit_message: NullableString,
  tags: Strings,
  created_at: Timestamp,
  llm_kwargs: Anything('provider call arguments, when asked for'),
});

/** POST /prompt-templates/{identifier}: the version to run, variables rendered. */
export const Rendered = Type.Object({
  success: Type.Boolean(),
  id: Type.Integer(),
  prompt_name: Type.String(),
  tags: Strings,
  workspace_id: Type.Integer(),
  commit_message: NullableString,
  metadata: Metadata,
  prompt_template: Template,
  llm_kwargs: Anything('provider call arguments'),
  provider_base_url: NullableString,
  version: Type.Integer(),
  prompt_version_id: Type.Integer(),
  snippets: Anything('the snippets expanded into the template'),
  warning: NullableString,
});

export const Labels = Type.Object({
  release_labels: Type.Array(
    Type.Object({
      release_label: Type.String(),
      release_label_id: Type.Integer(),
      prompt_version_id: NullableInteger,
      prompt_version_number: Type.Integer(),
    }),
  ),
});

export const SnippetUsage = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  snippet_name: Type.String(),
  snippet_usage: Anything('[{prompt_registry_id, prompt_name, version_numbers…}]'),
  total_prompts_using_snippet: Type.Integer(),
  label_usage: Type.Array(
    Type.Object({
      prompt_registry_id: Type.Integer(),
      prompt_name: Type.String(),
      label_name: Type.String(),
    }),
  ),
  total_labels_using_snippet: Type.Integer(),
});

export const EntitiesDeleted = Type.Object({ success: Type.Boolean(), moved_count: Type.Integer() });

export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });

export type CreatedT = Static<typeof Created>;
export type ListT = Static<typeof List>;
export type RawT = Static<typeof Raw>;
export type RenderedT = Static<typeof Rendered>;
export type ReleaseLabelT = Static<typeof ReleaseLabel>;
export type ErrorT = Static<typeof Error>;

export type ValidationErrorT = Static<typeof ValidationError>;

/** A 422 is FastAPI's `detail` list for schema and JSON failures, the plain envelope otherwise. */
export const errors = errorResponses(ref(Error), [400, 401, 403, 404, 409, 413, 422, 429], {
  422: Type.Union([ref(ValidationError), ref(Error)]),
});
