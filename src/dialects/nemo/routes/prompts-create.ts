// POST /apis/models/v2/workspaces/{workspace}/prompts — create a prompt with its first version.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CreatePromptBody, WorkspacePath } from '../schemas.ts';
import { checkInferenceParams } from '../rules.ts';
import { translatePromptError } from '../lookup.ts';
import { promptWire, versionContent } from '../wire.ts';
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
        const r = await app.registry.write(req.actor, {
          target: {
            kind: 'create',
            prompt: {
              workspace,
              name: b.name,
              description: b.description ?? null,
              tags: b.tags ?? [],
              project: b.project ?? null,
            },
          },
          version: { mode: 'new_committed', content: versionContent(b), keepInputVariables: true },
          withProjectName: true,
        });
        return reply
          .code(201)
          .send(promptWire(r.prompt, r.version ?? undefined, workspace, r.projectName ?? null));
      } catch (err) {
        throw translatePromptError(err, workspace, b.name, { creating: true });
      }
    });
}
