// POST /apis/models/v2/workspaces/{workspace}/prompts — create a prompt with its first version.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CreatePromptBody, WorkspacePath } from '../schemas.ts';
import { checkInferenceParams } from '../rules.ts';
import { promptViews, translatePromptError } from '../lookup.ts';
import { versionContent } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoCreatePrompt',
  summary: 'Create a prompt (NeMo)',
  tags: ['nemo'],
  params: WorkspacePath,
  body: CreatePromptBody,
  response: { 201: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/apis/models/v2/workspaces/:workspace/prompts', { schema }, async (req, reply) => {
      const { workspace } = req.params;
      const b = req.body;
      checkInferenceParams(b.inference_params);
      try {
        const r = await app.registry.publishVersion(
          req.actor,
          {
            workspace,
            name: b.name,
            description: b.description ?? null,
            tags: b.tags ?? [],
            project: b.project ?? null,
          },
          {},
          versionContent(b),
          { ifExists: 'error', keepInputVariables: true },
        );
        const [view] = await promptViews(app, req.actor, workspace, [r.prompt]);
        return reply.code(201).send(view);
      } catch (err) {
        throw translatePromptError(err, workspace, b.name, { creating: true });
      }
    });
}
