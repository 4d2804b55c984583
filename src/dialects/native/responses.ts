// Response schemas of the native API: the shared components (registered by index.ts, listed in
// /openapi.json under components.schemas) and the envelopes the routes send. Field order is the
// order wire.ts writes (the serialiser writes declared fields in schema order, required first);
// client-authored objects are unconstrained (see ../common/schema.ts).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { WRITE_APIS, type WriteApi } from '../../model/types.ts';
import {
  Anything,
  FreeObject,
  NullableTimestamp,
  Shaped,
  Timestamp,
  errorResponses,
  nullable,
  ref,
} from '../common/schema.ts';

const NullableString = nullable(Type.String());
const NullableInteger = nullable(Type.Integer());
const Strings = Type.Array(Type.String());

export const Prompt = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    workspace_id: Type.String(),
    name: Type.String(),
    description: NullableString,
    tags: Strings,
    project_id: NullableString,
    kind: Type.String({ description: '`chat` or `completion`' }),
    is_snippet: Type.Boolean(),
    metadata: FreeObject(),
    latest_version: NullableInteger,
    revision: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: NullableTimestamp,
  },
  { $id: 'NativePrompt', description: 'A prompt' },
);

const modelConfig = {
  model: NullableString,
  provider: NullableString,
  params: FreeObject('Call parameters (temperature, max_tokens, … and any others sent)'),
  response_format: Anything('object or null'),
  json_schema: Anything('object or null'),
  tools: Anything('array or null'),
  tool_choice: Anything(),
  functions: Anything('array or null'),
  function_call: Anything(),
  fallback_models: Anything('array of model names, or null'),
  load_balance_models: Anything('array of {model, weight, credentials?}, or null'),
};

export const Version = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    prompt_id: Type.String(),
    number: Type.Integer(),
    status: Type.String({ description: '`draft` or `committed`' }),
    labels: Strings,
    template_type: Type.String({ description: '`chat` or `completion`' }),
    messages: Anything('chat messages, each with any keys the client sent'),
    content: Anything('completion content blocks, or null'),
    template_format: Type.String({ description: '`mustache`, `jinja2` or `f-string`' }),
    input_variables: Strings,
    variable_defaults: FreeObject(),
    ...modelConfig,
    metadata: FreeObject(),
    commit_message: NullableString,
    author: NullableString,
    // One string type with an enum (not a union of literals): the serialiser keeps its fast path.
    written_via: Type.Unsafe<WriteApi | null>({
      type: ['string', 'null'],
      enum: [...WRITE_APIS, null],
      description:
        "the API the version was written through (`cli`: the native API from Lectern's CLI; `import`: a bulk import); null: unknown (written before Lectern recorded it)",
    }),
    content_hash: Type.String({
      description: 'sha256 of the runnable content, as `lectern push` computes it',
    }),
    revision: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
    committed_at: NullableTimestamp,
  },
  { $id: 'NativeVersion', description: 'A version of a prompt' },
);

export const Label = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    prompt_id: Type.String(),
    name: Type.String(),
    version: Type.Integer(),
    version_id: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'NativeLabel' },
);

export const LabelMove = Type.Object(
  {
    id: Type.Integer(),
    label: Type.String(),
    from_version: NullableInteger,
    to_version: NullableInteger,
    actor: NullableString,
    at: Timestamp,
  },
  { $id: 'NativeLabelMove', description: 'One move of a label (from null: created; to null: deleted)' },
);

export const AuditEvent = Type.Object(
  {
    id: Type.Integer(),
    workspace_id: NullableString,
    actor: NullableString,
    action: Type.String(),
    entity_type: Type.String(),
    entity_id: Type.String(),
    before: Anything(),
    after: Anything(),
    at: Timestamp,
  },
  { $id: 'NativeAuditEvent' },
);

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    public_key: Type.String({ description: 'public identifier: the public key of Langfuse clients' }),
    workspace_id: NullableString,
    role: Type.String({ description: '`admin`, `editor` or `viewer`' }),
    created_at: Timestamp,
    revoked_at: NullableTimestamp,
  },
  { $id: 'NativeApiKey' },
);

export const Workspace = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    name: Type.String(),
    description: NullableString,
    metadata: FreeObject(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'NativeWorkspace' },
);

export const Project = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    description: NullableString,
    metadata: FreeObject(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'NativeProject' },
);

export const Pagination = Type.Object(
  {
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    next_offset: NullableInteger,
    total_is_lower_bound: Type.Optional(
      Type.Boolean({
        description:
          'with `search`: whether `total` is exact (false) or a lower bound (true: a search counts at most 1,000 matches, and there are more); absent from lists without `search`, whose totals are exact',
      }),
    ),
  },
  { $id: 'NativePagination' },
);

export const Error = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable: not_found, conflict, missing_variables, …' }),
      message: Type.String(),
      details: FreeObject(),
    }),
  },
  { $id: 'NativeError', description: 'Every native error' },
);

/** Every shared schema, for `app.addSchema` (index.ts). */
export const components: TSchema[] = [
  Prompt,
  Version,
  Label,
  LabelMove,
  AuditEvent,
  ApiKey,
  Workspace,
  Project,
  Pagination,
  Error,
];

const page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(ref(item)), pagination: ref(Pagination) });

// The envelopes routes send, and their types for tests.
export const PromptBody = Type.Object({ prompt: ref(Prompt) });
export const PromptWithLabels = Type.Object({ prompt: ref(Prompt), labels: Type.Array(ref(Label)) });
export const PromptWithVersion = Type.Object({ prompt: ref(Prompt), version: nullable(ref(Version)) });
export const Resolved = Type.Object({ prompt: ref(Prompt), version: ref(Version) });
export const PromptLabel = Type.Object({ prompt: ref(Prompt), label: ref(Label) });
export const PromptPage = page(Prompt);
export const VersionPage = page(Version);
export const LabelPage = page(Label);
export const LabelMovePage = page(LabelMove);
export const AuditPage = page(AuditEvent);
export const KeyPage = page(ApiKey);
export const WorkspacePage = page(Workspace);
export const ProjectPage = page(Project);
export const KeyBody = Type.Object({ key: ref(ApiKey) });
export const CreatedKey = Type.Object({
  key: ref(ApiKey),
  secret: Type.String({ description: 'shown once' }),
});
export const WorkspaceBody = Type.Object({ workspace: ref(Workspace) });
export const Me = Type.Object({
  key_id: Type.String(),
  public_key: Type.String({
    description: "the key's public identifier: the public key Langfuse clients send beside this key",
  }),
  role: Type.String(),
  workspace_id: NullableString,
  workspace: NullableString,
  all_workspaces: Type.Boolean(),
  workspaces: Type.Array(ref(Workspace)),
});
export const Folders = Type.Object({
  data: Type.Array(Type.Object({ path: Type.String(), count: Type.Integer() })),
});
export const ProjectBody = Type.Object({ project: ref(Project) });
export const Diff = Type.Object({
  prompt_id: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      path: Type.String(),
      op: Type.String({ description: '`added`, `removed` or `changed`' }),
      from: Type.Optional(Anything()),
      to: Type.Optional(Anything()),
    }),
  ),
});
/** A rendered message: its role and content (a text, or content parts), the client's keys kept. */
export interface RenderedMessageT {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}
/** A content block of a completion template (`{type: 'text', text}` …). */
export interface ContentBlockT {
  type?: string;
  text?: string;
  [key: string]: unknown;
}
const rendered = {
  messages: Shaped<RenderedMessageT[] | null>('rendered messages (chat), or null'),
  content: Shaped<ContentBlockT[] | string | null>('rendered content (completion), or null'),
  ...modelConfig,
  warnings: Strings,
  missing: Strings,
};
export const RenderedVersion = Type.Object({
  prompt_id: Type.String(),
  prompt_name: Type.String(),
  version: Type.Integer(),
  version_id: Type.String(),
  labels: Strings,
  template_type: Type.String(),
  template_format: Type.String(),
  ...rendered,
});
/**
 * `output` for a template string, `messages` for a message list (never both). Every field is
 * optional so the serialiser keeps this order (it writes required fields first).
 */
export const RenderedTemplate = Type.Object({
  output: Type.Optional(Type.String()),
  messages: Type.Optional(Anything()),
  warnings: Type.Optional(Strings),
  missing: Type.Optional(Strings),
  variables: Type.Optional(Type.Array(Type.String(), { description: 'the variables the template reads' })),
});

export type PromptBodyT = Static<typeof PromptBody>;
export type PromptWithLabelsT = Static<typeof PromptWithLabels>;
export type PromptWithVersionT = Static<typeof PromptWithVersion>;
export type ResolvedT = Static<typeof Resolved>;
export type PromptLabelT = Static<typeof PromptLabel>;
export type PromptPageT = Static<typeof PromptPage>;
export type VersionPageT = Static<typeof VersionPage>;
export type LabelPageT = Static<typeof LabelPage>;
export type DiffT = Static<typeof Diff>;
export type RenderedVersionT = Static<typeof RenderedVersion>;
export type RenderedTemplateT = Static<typeof RenderedTemplate>;
export type ErrorT = Static<typeof Error>;

/** The error answers every native route can give, in the native envelope. */
export const errors = errorResponses(ref(Error), [400, 401, 403, 404, 409, 412, 413, 422, 429]);
