// POST /v1/prompts — create a prompt, optionally with its first version and labels.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptWire, versionWire } from '../wire.ts';
import { promptFieldsOf, versionContent } from '../mapping.ts';
import { setEtag } from '../http.ts';
import { Nullable, Obj, VersionBody, WorkspaceQuery } from '../schemas.ts';
import { PromptWithVersion, errors } from '../responses.ts';

export const schema = {
  operationId: 'createPrompt',
  summary: 'Create a prompt',
  tags: ['prompts'],
  querystring: WorkspaceQuery,
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 512 }),
      description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
      tags: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 })),
      project: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
      is_snippet: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Obj),
      version: Type.Optional(VersionBody),
      status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('committed')])),
      labels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
    },
    { additionalProperties: false },
  ),
  response: { 201: PromptWithVersion, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/prompts', { schema }, async (req, reply) => {
    const b = req.body;
    const promptInput = { workspace: req.query.workspace, name: b.name, ...promptFieldsOf(b) };
    const r = await app.registry.write(req.actor, {
      target: { kind: 'create', prompt: promptInput },
      ...(b.version
        ? {
            version: {
              mode: b.status === 'draft' ? 'new_draft' : 'new_committed',
              content: versionContent(b.version),
            },
            labels: (b.labels ?? []).map((name) => ({ name, to: 'written' as const })),
          }
        : {}),
    });
    setEtag(reply, r.prompt);
    return reply
      .code(201)
      .send({ prompt: promptWire(r.prompt), version: r.version ? versionWire(r.version) : null });
  });
}
