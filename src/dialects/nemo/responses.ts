// Response schemas of the NeMo dialect. NeMo (FastAPI) leaves out null fields in lists, so every
// field is optional: the serialiser writes optional fields after required ones, and only an
// all-optional object keeps the order the wire has. Messages, tools and inference parameters are
// the client's own: unconstrained values.
import { Type, type Static, type TOptional, type TProperties, type TSchema } from '@sinclair/typebox';
import { Anything, nullable, ref } from '../common/schema.ts';

const NullableString = nullable(Type.String());
const Time = Type.String({ description: 'ISO-8601 with microseconds, no zone' });

/** Every property optional, in the order given. */
const ordered = <P extends TProperties>(props: P) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof P]: TOptional<P[K]>;
  };

export const Prompt = Type.Object(
  ordered({
    id: Type.String({ description: '`prompt-<base58>`' }),
    name: Type.String(),
    workspace: Type.String(),
    project: NullableString,
    created_at: Time,
    updated_at: Time,
    description: NullableString,
    messages: Anything('[{role, content}]'),
    input_variables: Type.Array(Type.String()),
    tools: Anything(),
    tool_choice: Anything(),
    response_format: Anything(),
    inference_params: Anything('{model, temperature, max_tokens, …}'),
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

/** FastAPI's error body: `detail` is a text, or a list of {type, loc, msg, input} for 422s. */
export const Error = Type.Object(
  { detail: Anything('text, or [{type, loc, msg, input}]') },
  { $id: 'NemoError' },
);

export const components: TSchema[] = [Prompt, Workspace, Project, Error];

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

export const errors = { '4xx': ref(Error), '5xx': ref(Error) };
