// Wire schemas shared by several PromptLayer routes. Objects accept extra keys: the SDKs send the
// same flattened dict as both `prompt_template` and `prompt_version`, and the real server ignores
// what it does not know.
import { Type, type Static } from '@sinclair/typebox';

export const Message = Type.Object({ role: Type.String({ minLength: 1 }) });

/**
 * A `prompt_template` (chat or completion, discriminated on `type`). The schema only asks for an
 * object: blueprint.ts checks it by its type, so a failure names the one field at fault instead of
 * listing both union branches.
 */
export const PromptTemplate = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('completion')])),
});

export const ModelMeta = Type.Object({
  provider: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  parameters: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
});

export const Metadata = Type.Union([
  Type.Object({ model: Type.Optional(Type.Union([ModelMeta, Type.Null()])) }),
  Type.Null(),
]);

export const CommitMessage = Type.Union([Type.String({ maxLength: 72 }), Type.Null()]);
export const ReleaseLabels = Type.Union([
  Type.Array(Type.String({ minLength: 1, maxLength: 128 })),
  Type.Null(),
]);

export const IdentifierParams = Type.Object({ identifier: Type.String({ minLength: 1 }) });
export type IdentifierParamsT = Static<typeof IdentifierParams>;

/** An external id pair's parts (spec §2: source 1..128, external_id 1..512 characters). */
export const ExternalSource = Type.String({ minLength: 1, maxLength: 128 });
export const ExternalIdValue = Type.String({ minLength: 1, maxLength: 512 });
export const TemplateIdParams = Type.Object({ prompt_template_id: Type.Integer({ minimum: 1 }) });
