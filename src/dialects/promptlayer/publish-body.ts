// The publish body (CreatePromptTemplate), shared by POST /rest/prompt-templates and the upsert by
// external id (PUT /prompt-templates/by-external-id/...): its schema, and its mapping onto registry
// inputs after the checks that must pass before anything is written (blueprint rules, snippets).
import { Type, type Static } from '@sinclair/typebox';
import { unprocessable } from '../../model/errors.ts';
import type { JsonObject, VersionContent } from '../../model/types.ts';
import type {
  ExternalIdKey,
  PromptInput,
  PromptPatch,
  WritePlan,
  WriteTarget,
} from '../../registry/index.ts';
import { templateProblems } from './blueprint.ts';
import { contentFromWire } from './mapping.ts';
import { snippetProblem } from './lookup.ts';
import {
  CommitMessage,
  ExternalIdValue,
  ExternalSource,
  Metadata,
  PromptTemplate,
  ReleaseLabels,
} from './schemas.ts';

export const PublishBody = Type.Object({
  prompt_template: Type.Object({
    prompt_name: Type.String({ minLength: 1, maxLength: 512 }),
    tags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
    is_snippet: Type.Optional(Type.Boolean()),
  }),
  prompt_version: Type.Object({
    prompt_template: PromptTemplate,
    commit_message: Type.Optional(CommitMessage),
    metadata: Type.Optional(Metadata),
  }),
  release_labels: Type.Optional(ReleaseLabels),
  external_ids: Type.Optional(
    Type.Union([
      Type.Array(Type.Object({ source: ExternalSource, external_id: ExternalIdValue }), { maxItems: 100 }),
      Type.Null(),
    ]),
  ),
});
export type PublishBody = Static<typeof PublishBody>;

export interface PublishInput {
  prompt: PromptInput;
  /** What a publish changes on a template that exists already. */
  onExisting: PromptPatch;
  content: Partial<VersionContent>;
  /** The body's `release_labels`, to move onto the version written. */
  labels: string[];
  /** The body's `external_ids`, to map onto the template written. */
  externalIds: ExternalIdKey[];
  /** The texts whose snippets the write checks. */
  snippetsIn: Pick<VersionContent, 'messages' | 'content'>;
}

/** Where a publish body's template is, for its 422 list. */
const TEMPLATE_AT = ['body', 'prompt_version', 'prompt_template'];

/**
 * Checks a publish body and maps it onto registry inputs: the blueprint's per-role rules (spec
 * §1.2–1.4) as pydantic's 422 list. Its snippets are checked by the write (`snippetsIn`), under
 * the lock of the template the version lands on: each must exist and not lead back to it.
 */
/**
 * The one write a publish makes, onto `target`: append a committed version, move the body's labels
 * onto it, map its external ids (409 and nothing written if one is taken) and check its snippets
 * under the lock of the template it lands on.
 */
export const publishPlan = (input: PublishInput, target: WriteTarget): WritePlan => ({
  target,
  version: { mode: 'new_committed', content: input.content },
  labels: input.labels.map((name) => ({ name, to: 'written' as const })),
  attach: input.externalIds,
  withExternalIds: true,
  snippetsIn: input.snippetsIn,
});

export function publishInputOf(body: PublishBody): PublishInput {
  const { prompt_template: pt, prompt_version: pv } = body;
  const where = TEMPLATE_AT;
  const problems = templateProblems(pv.prompt_template as JsonObject);
  if (problems.length) {
    throw unprocessable(
      problems[0]!.msg,
      problems.map((x) => ({ loc: [...where, ...x.path], msg: x.msg, type: x.type })),
    );
  }
  const content = contentFromWire(
    pv.prompt_template as JsonObject,
    pv.metadata as JsonObject | null | undefined,
    pv.commit_message,
  );
  const tags = pt.tags ?? undefined;
  return {
    prompt: { name: pt.prompt_name, tags, kind: content.templateType, isSnippet: pt.is_snippet ?? false },
    onExisting: { tags },
    content,
    labels: body.release_labels ?? [],
    externalIds: (body.external_ids ?? []).map((e) => ({ source: e.source, externalId: e.external_id })),
    snippetsIn: { messages: content.messages ?? [], content: content.content ?? null },
  };
}

/** A publish write's failure in PromptLayer's words: a snippet problem is a 422 at the template. */
export const publishFailure = (e: unknown): unknown => snippetProblem(e, TEMPLATE_AT);
