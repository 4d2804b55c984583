// PATCH /api/prompts/{prompt_id}/ — rename / describe, and the legacy {"deploy": true}, which makes
// the newest committed version live (or, when only a draft exists, commits and deploys the draft).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, forbidden } from '../../../model/errors.ts';
import { PRODUCTION_LABEL, type JsonObject } from '../../../model/types.ts';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { nameMetadata, promptState, withFreeName } from '../service.ts';
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
    const ref = promptRefOf(req.params.prompt_id);
    // A PATCH is a write even when it changes nothing: a viewer gets 403, never a 200 no-op.
    if (req.actor.role === 'viewer') throw forbidden('a viewer key cannot change prompts');
    let p = await app.registry.getPrompt(req.actor, ref);
    const extras: JsonObject = {};
    if (b.prompt_slug !== undefined) extras.prompt_slug = b.prompt_slug ?? '';
    if (b.starred !== undefined) extras.starred = b.starred;
    const touchesPrompt =
      b.name !== undefined || b.description !== undefined || Object.keys(extras).length > 0;
    if (touchesPrompt) {
      const current = p;
      const wanted = b.name ?? displayName(current);
      const write = (stored?: string) =>
        app.registry.updatePrompt(req.actor, ref, {
          name: stored,
          description: b.description === undefined ? undefined : (b.description ?? ''),
          metadata: nameMetadata({ ...current.metadata, ...extras }, wanted, stored ?? current.name),
        });
      p =
        b.name !== undefined
          ? await withFreeName(app.registry, req.actor, b.name, current.id, write)
          : await write();
    }
    if (b.deploy === true) {
      const versions = await app.registry.listVersions(req.actor, ref, { limit: 2, offset: 0 });
      const target = versions.items.find((v) => v.status === 'committed') ?? versions.items[0];
      if (!target) throw badRequest('deploy: the prompt has no version to deploy');
      await app.registry.setLabel(
        req.actor,
        ref,
        PRODUCTION_LABEL,
        { number: target.number },
        { commitIfDraft: true },
      );
      p = await app.registry.getPrompt(req.actor, ref);
    }
    return promptWire(p, await promptState(app.registry, req.actor, p));
  });
}
