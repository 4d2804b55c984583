// PATCH /api/prompts/{prompt_id}/ — rename / describe, and the legacy {"deploy": true}, which makes
// the newest committed version live (or, when only a draft exists, commits and deploys the draft),
// all in one registry write.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PRODUCTION_LABEL, type JsonObject } from '../../../model/types.ts';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { nameMetadata, stateOf } from '../service.ts';
import { displayName, promptWire } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiUpdatePrompt',
  summary: 'Update a prompt (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  body: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
      prompt_slug: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
      starred: Type.Optional(Type.Boolean()),
      deploy: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: true },
  ),
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  const handler = app.withTypeProvider<TypeBoxTypeProvider>();
  handler.patch('/api/prompts/:prompt_id', { schema }, async (req) => {
    const b = req.body;
    const extras: JsonObject = {};
    if (b.prompt_slug !== undefined) extras.prompt_slug = b.prompt_slug ?? '';
    if (b.starred !== undefined) extras.starred = b.starred;
    const touchesPrompt =
      b.name !== undefined || b.description !== undefined || Object.keys(extras).length > 0;
    // One write: the metadata merge reads the prompt under its lock, so concurrent PATCHes of
    // different fields never lose one another's change; a PATCH that changes nothing is still a
    // write for the role check (a viewer gets 403, never a 200 no-op).
    const r = await app.registry.write(req.actor, {
      target: { kind: 'prompt', ref: promptRefOf(req.params.prompt_id) },
      ...(touchesPrompt
        ? {
            ...(b.name !== undefined ? { allocateName: b.name } : {}),
            fields: (current, stored) => ({
              name: b.name !== undefined ? stored : undefined,
              description: b.description === undefined ? undefined : (b.description ?? ''),
              metadata: nameMetadata(
                { ...current.metadata, ...extras },
                b.name ?? displayName(current),
                stored,
              ),
            }),
          }
        : {}),
      // The legacy deploy: the newest committed version goes live (a lone draft is committed first).
      ...(b.deploy === true
        ? { labels: [{ name: PRODUCTION_LABEL, to: 'deployable' as const, commitIfDraft: true }] }
        : {}),
      withSummary: PRODUCTION_LABEL,
    });
    return promptWire(r.prompt, stateOf(r.summary));
  });
}
