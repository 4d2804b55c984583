// GET /apis/models/v2/workspaces/{workspace}/prompts/{name} — one prompt, nulls included.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PromptPath } from '../schemas.ts';
import { translatePromptError } from '../lookup.ts';
import { promptWire } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoGetPrompt',
  summary: 'Get a prompt (NeMo)',
  tags: ['nemo'],
  params: PromptPath,
  response: { 200: PromptBody, ...errors },
};

/** Answers are kept by the read cache (server/read-cache.ts). */
const config = { cacheable: true };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/apis/models/v2/workspaces/:workspace/prompts/:name', { schema, config }, async (req) => {
      const { workspace, name } = req.params;
      try {
        const r = await app.registry.getPromptWithLatest(req.actor, { name, workspace });
        return promptWire(r.prompt, r.latest ?? undefined, workspace, r.project);
      } catch (err) {
        throw translatePromptError(err, workspace, name);
      }
    });
}
