// GET /api/prompts/{prompt_id}/ — the prompt with its current and live versions and its version list.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { stateWithVersions, VERSION_LIST_LIMIT } from '../service.ts';
import { promptWire } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiGetPrompt',
  summary: 'Retrieve a prompt (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/prompts/:prompt_id', { schema }, async (req) => {
    const r = await app.registry.promptWithVersions(req.actor, promptRefOf(req.params.prompt_id), {
      limit: VERSION_LIST_LIMIT,
      label: PRODUCTION_LABEL,
    });
    return promptWire(r.prompt, stateWithVersions(r.prompt, r));
  });
}
