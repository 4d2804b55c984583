// Response schemas of the Langfuse dialect, in the order mapping.ts writes their fields (the
// serialiser writes declared fields in schema order). Prompt text, chat items and config are the
// client's own: unconstrained values, written as they are.
import { Type, type Static } from '@sinclair/typebox';
import { Anything, FreeObject, errorResponses, nullable, ref } from '../common/schema.ts';

const Timestamp = Type.String({ description: 'ISO-8601 timestamp' });

const rowFields = {
  id: Type.String({ description: 'the version id' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  projectId: Type.String({ description: 'the Lectern workspace id' }),
  createdBy: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  type: Type.Union([Type.Literal('text'), Type.Literal('chat')]),
  prompt: Anything('the text, or chat items {role, content} | {type: "placeholder", name}'),
  config: FreeObject('model, parameters, tools, response format and any other keys'),
  labels: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  commitMessage: nullable(Type.String()),
  isActive: nullable(Type.Boolean()),
};

export const PromptRow = Type.Object(rowFields, { $id: 'LangfusePromptRow' });

const Node = Type.Object({ id: Type.String(), name: Type.String(), version: Type.Integer() });
export const ResolutionGraph = Type.Object({
  root: Node,
  dependencies: Type.Record(Type.String(), Type.Array(Node)),
});

export const Prompt = Type.Object(
  { ...rowFields, resolutionGraph: nullable(ResolutionGraph) },
  { $id: 'LangfusePrompt' },
);

const PageMeta = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  totalItems: Type.Integer(),
  totalPages: Type.Integer(),
});

export const PromptMeta = Type.Object(
  {
    name: Type.String(),
    type: Type.Union([Type.Literal('text'), Type.Literal('chat')]),
    versions: Type.Array(Type.Integer()),
    labels: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
    lastUpdatedAt: Timestamp,
    lastConfig: FreeObject(),
  },
  { $id: 'LangfusePromptMeta' },
);

export const PromptMetaList = Type.Object(
  { data: Type.Array(ref(PromptMeta)), meta: PageMeta, pagination: PageMeta },
  { $id: 'LangfusePromptMetaList' },
);

export const ErrorBody = Type.Object(
  {
    message: Type.String(),
    error: Anything('the error class name, or zod-style issues for "Invalid request data"'),
  },
  { $id: 'LangfuseError' },
);

export const errors = errorResponses(ref(ErrorBody), [400, 401, 403, 404, 409, 413, 429]);

/** Added at the root by server/app.ts. */
export const components = [PromptRow, Prompt, PromptMeta, PromptMetaList, ErrorBody];

export type PromptT = Static<typeof Prompt>;
export type PromptRowT = Static<typeof PromptRow>;
export type PromptMetaListT = Static<typeof PromptMetaList>;
export type ErrorBodyT = Static<typeof ErrorBody>;
