// TypeBox schemas shared by the native routes. Objects that carry client data (messages, params,
// metadata) accept any keys: Lectern keeps what clients send and gives it back.
import { Type, type Static } from '@sinclair/typebox';

export const Obj = Type.Record(Type.String(), Type.Unknown());
export const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const WorkspaceQuery = Type.Object({
  workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const PromptParams = Type.Object({ prompt: Type.String({ minLength: 1, maxLength: 1024 }) });
export const VersionParams = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 1024 }),
  version: Type.Union([Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), Type.Literal('latest')]),
});
export const LabelParams = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 1024 }),
  label: Type.String({ minLength: 1, maxLength: 128 }),
});

export const Pagination = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
};

export const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 512 })) });

export const Message = Type.Object(
  { role: Type.String({ minLength: 1, maxLength: 64 }), content: Type.Optional(Type.Unknown()) },
  { additionalProperties: true },
);

export const TemplateFormat = Type.Union([
  Type.Literal('mustache'),
  Type.Literal('jinja2'),
  Type.Literal('f-string'),
]);

/** Every field a version can have; all optional (absent fields take their defaults). */
export const VersionBody = Type.Object(
  {
    template_type: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('completion')])),
    messages: Type.Optional(Type.Array(Message, { maxItems: 10_000 })),
    content: Type.Optional(Nullable(Type.Array(Type.Unknown(), { maxItems: 10_000 }))),
    template_format: Type.Optional(TemplateFormat),
    input_variables: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10_000 })),
    variable_defaults: Type.Optional(Obj),
    model: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    provider: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    params: Type.Optional(Obj),
    response_format: Type.Optional(Nullable(Obj)),
    json_schema: Type.Optional(Nullable(Obj)),
    tools: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
    tool_choice: Type.Optional(Type.Unknown()),
    functions: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
    function_call: Type.Optional(Type.Unknown()),
    fallback_models: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 256 })))),
    load_balance_models: Type.Optional(
      Nullable(
        Type.Array(
          Type.Object(
            {
              model: Type.String({ minLength: 1 }),
              weight: Type.Number({ exclusiveMinimum: 0 }),
              credentials: Type.Optional(Obj),
            },
            { additionalProperties: true },
          ),
        ),
      ),
    ),
    metadata: Type.Optional(Obj),
    commit_message: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  },
  { additionalProperties: false },
);
export type VersionBodyT = Static<typeof VersionBody>;

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Obj }),
});

/** Paths that name one version by number only (writes never target `latest` implicitly). */
export const VersionNumberParams = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 1024 }),
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});

export const VersionRef = Type.Union([
  Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  Type.Literal('latest'),
]);

export const PageQuery = Type.Object({ ...Pagination });

export const Order = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);

export const WorkspaceParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) });
export const ProjectParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  project: Type.String({ minLength: 1, maxLength: 255 }),
});

export const NamedBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
    metadata: Type.Optional(Obj),
  },
  { additionalProperties: false },
);

export const RenderMode = Type.Union([Type.Literal('strict'), Type.Literal('lenient')]);
