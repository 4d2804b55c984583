// PATCH /rest/prompt-templates/{identifier} — a new version built from a base (`version`, `label`
// or latest) by the pure merge in patch-merge.ts, resolved and written under the prompt's row lock,
// with `release_labels` moved onto it. 201 with CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest, isFault, isPromptMissing, LecternError, notFound } from '../../../model/errors.ts';
import type { Json, Message } from '../../../model/types.ts';
import { contentOf } from '../../../model/version-content.ts';
import type { VersionSelector } from '../../../registry/index.ts';
import { isObject, promptRefs, selectorOf } from '../mapping.ts';
import { snippetProblem } from '../lookup.ts';
import { mergePatch, type PatchBody } from '../patch-merge.ts';
import { CommitMessage, ReleaseLabels } from '../schemas.ts';
import { SnippetError } from '../../../model/snippet-expansion.ts';
import { createdWire } from '../wire.ts';
import { CreatedBody, errors } from '../responses.ts';

const ListPatch = Type.Optional(Type.Union([Type.Array(Type.Any()), Type.Object({}), Type.Null()]));

export const schema = {
  operationId: 'promptlayerPatchTemplate',
  summary: 'Patch a prompt template into a new version (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ identifier: Type.String({ minLength: 1 }) }),
  body: Type.Object({
    version: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    label: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    messages: ListPatch,
    tools: ListPatch,
    functions: ListPatch,
    content: ListPatch,
    function_call: Type.Optional(Type.Union([Type.String(), Type.Object({}), Type.Null()])),
    tool_choice: Type.Optional(Type.Union([Type.String(), Type.Object({}), Type.Null()])),
    model_parameters: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
    response_format: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
    commit_message: Type.Optional(CommitMessage),
    release_labels: Type.Optional(ReleaseLabels),
  }),
  response: { 201: CreatedBody, ...errors },
};

/** The items a patch brings in (index-patch values or a replacement list). */
const itemsOf = (v: unknown): Json[] =>
  (Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []) as Json[];

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .patch('/rest/prompt-templates/:identifier', { schema }, async (req, reply) => {
      const b = req.body;
      if (b.version != null && b.label != null) throw badRequest('version and label are mutually exclusive');
      const brought = {
        messages: itemsOf(b.messages).filter(isObject) as Message[],
        content: itemsOf(b.content),
      };
      const sel = selectorOf(b.version, b.label);
      let out;
      try {
        out = await app.registry.write(req.actor, {
          target: { kind: 'prompt', ref: promptRefs(req.params.identifier) },
          version: {
            mode: 'new_committed',
            base: sel,
            content: (base) => {
              const r = mergePatch(base, b as PatchBody);
              if (!r.ok) throw badRequest(r.error.message, { field: r.error.field });
              return contentOf(r.content); // content fields only: identity comes from the new row
            },
          },
          labels: (b.release_labels ?? []).map((name) => ({ name, to: 'written' as const })),
          withExternalIds: true,
          // Snippets a patch brings in must exist: checked under the prompt's lock, in the write.
          snippetsIn: brought,
        });
      } catch (e) {
        throw e instanceof SnippetError ? snippetProblem(e) : notFoundFor(e, req.params.identifier, sel);
      }
      return reply.code(201).send(createdWire(out.prompt, out.version!, out.externalIds));
    });
}

/** A missing template, version or label, in PromptLayer's words for this identifier. */
function notFoundFor(e: unknown, identifier: string, sel: VersionSelector): unknown {
  if (isPromptMissing(e)) return notFound(`Prompt template ${identifier}`);
  if (isFault(e, 'version_not_found', 'label_not_found')) {
    const what =
      'label' in sel ? `Label ${sel.label}` : 'number' in sel ? `Version ${sel.number}` : 'Prompt template';
    return new LecternError(
      { kind: 'not_found', what },
      `${what} not found for prompt template ${identifier}`,
    );
  }
  return e;
}
