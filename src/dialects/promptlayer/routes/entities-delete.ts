// DELETE /api/public/v2/folders/entities — soft-deletes prompt templates (types PROMPT and SNIPPET).
// All named entities are checked first, so an unknown id deletes nothing (404).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest, isFault, notFound } from '../../../model/errors.ts';
import { EntitiesDeleted, errors } from '../responses.ts';

const TYPES = [
  'FOLDER',
  'PROMPT',
  'SNIPPET',
  'WORKFLOW',
  'DATASET',
  'REPORT',
  'AB_TEST',
  'INPUT_VARIABLE_SET',
] as const;

export const schema = {
  operationId: 'promptlayerDeleteEntities',
  summary: 'Delete registry entities (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object({
    entities: Type.Array(
      Type.Object({ id: Type.Integer({ minimum: 1 }), type: Type.Union(TYPES.map((t) => Type.Literal(t))) }),
      { minItems: 1 },
    ),
    cascade: Type.Optional(Type.Boolean()),
    workspace_id: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  }),
  response: { 200: EntitiesDeleted, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/api/public/v2/folders/entities', { schema }, async (req) => {
      const ids = new Set<number>();
      for (const e of req.body.entities) {
        if (e.type !== 'PROMPT' && e.type !== 'SNIPPET')
          throw badRequest(`entities of type ${e.type} are not kept by this server`);
        ids.add(e.id);
      }
      // One transaction: an unknown id deletes nothing.
      try {
        const deleted = await app.registry.deletePrompts(
          req.actor,
          [...ids].map((seq) => ({ seq })),
        );
        return { success: true, moved_count: deleted.length };
      } catch (e) {
        if (isFault(e, 'prompt_not_found')) throw notFound(`Entity ${e.fault.ref}`);
        throw e;
      }
    });
}
