// Response schemas of the NeMo dialect. NeMo (FastAPI) leaves out null fields in lists, so every
// field is optional: the serialiser writes optional fields after required ones, and only an
// all-optional object keeps the order the wire has. Messages, tools and inference parameters are
// the client's own: unconstrained values.
import { Type, type Static, type TOptional, type TProperties, type TSchema } from '@sinclair/typebox';
import { Anything, FreeObject, Shaped, errorResponses, nullable, ref } from '../common/schema.ts';

const NullableString = nullable(Type.String());
const Time = Type.String({ description: 'ISO-8601 with microseconds, no zone' });

/** Every property optional, in the order given. */
const ordered = <P extends TProperties>(props: P) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof P]: TOptional<P[K]>;
  };

/** A chat message as the client wrote it: role and content, its own keys kept. */
export interface MessageT {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

export const Prompt = Type.Object(
  ordered({
    id: Type.String({ description: '`prompt-<base58>`' }),
    name: Type.String(),
    workspace: Type.String(),
    project: NullableString,
    created_at: Time,
    updated_at: Time,
    description: NullableString,
    messages: Shaped<MessageT[]>('[{role, content}]'),
    input_variables: Type.Array(Type.String()),
    tools: Anything(),
    tool_choice: Anything(),
    response_format: Anything(),
    inference_params: Shaped<Record<string, unknown>>('{model, temperature, max_tokens, …}'),
    tags: Type.Array(Type.String()),
  }),
  { $id: 'NemoPrompt' },
);

export const Workspace = Type.Object(
  ordered({
    id: Type.String(),
    name: Type.String(),
    description: NullableString,
    created_at: Time,
    updated_at: Time,
  }),
  { $id: 'NemoWorkspace' },
);

export const Project = Type.Object(
  ordered({
    id: Type.String(),
    name: Type.String(),
    workspace: Type.String(),
    description: NullableString,
    created_at: Time,
    updated_at: Time,
  }),
  { $id: 'NemoProject' },
);

/** FastAPI's error body for everything but a schema failure: `detail` is a text. */
export const Error = Type.Object({ detail: Type.String() }, { $id: 'NemoError' });

/** One problem of a 422 (FastAPI/pydantic): its kind, where, what, the input at that place. */
export const DetailItem = Type.Object(
  {
    type: Type.String(),
    loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
    msg: Type.String(),
    input: Anything('the value found there'),
    ctx: Type.Optional(FreeObject()),
  },
  { $id: 'NemoDetailItem' },
);

/** FastAPI's answer to a request that fails the schema or does not parse (422). */
export const ValidationError = Type.Object(
  { detail: Type.Array(ref(DetailItem)) },
  { $id: 'NemoValidationError' },
);

export const components: TSchema[] = [Prompt, Workspace, Project, Error, DetailItem, ValidationError];

const page = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(ref(item)),
    pagination: Type.Object({
      page: Type.Integer(),
      page_size: Type.Integer(),
      current_page_size: Type.Integer(),
      total_pages: Type.Integer(),
      total_results: Type.Integer(),
    }),
    sort: Type.String(),
  });

// Routes answer with references to the components, never the components themselves.
export const PromptBody = ref(Prompt);
export const WorkspaceBody = ref(Workspace);
export const ProjectBody = ref(Project);
export const PromptPage = page(Prompt);
export const WorkspacePage = page(Workspace);
export const ProjectPage = page(Project);
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });

export type PromptT = Static<typeof Prompt>;
export type PromptPageT = Static<typeof PromptPage>;
export type ErrorT = Static<typeof Error>;

export type ValidationErrorT = Static<typeof ValidationError>;

/** A 422 is FastAPI's `detail` list for schema and JSON failures, a text otherwise. */
export const errors = errorResponses(ref(Error), [400, 401, 403, 404, 409, 413, 422, 429], {
  422: Type.Union([ref(ValidationError), ref(Error)]),
});
