// PUT /apis/models/v2/workspaces/{workspace}/prompts/{name} — full replacement of the mutable
// fields: whatever the body omits returns to its default. Each PUT is a new committed version.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PromptPath, UpdatePromptBody } from '../schemas.ts';
import { checkInferenceParams } from '../rules.ts';
import { translatePromptError } from '../lookup.ts';
import { promptWire, versionContent } from '../wire.ts';
import { PromptBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoUpdatePrompt',
  summary: 'Replace a prompt (NeMo)',
  tags: ['nemo'],
  params: PromptPath,
  body: UpdatePromptBody,
  response: { 200: PromptBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put('/apis/models/v2/workspaces/:workspace/prompts/:name', { schema }, async (req) => {
      const { workspace, name } = req.params;
      const b = req.body;
      checkInferenceParams(b.inference_params);
      try {
        const r = await app.registry.write(req.actor, {
          target: { kind: 'prompt', ref: { name, workspace } },
          // Strict full replacement, `project` included (see docs/compatibility.md).
          fields: { description: b.description ?? null, tags: b.tags ?? [], project: b.project ?? null },
          version: { mode: 'new_committed', content: versionContent(b), keepInputVariables: true },
          withProjectName: true,
        });
        return promptWire(r.prompt, r.version ?? undefined, workspace, r.projectName ?? null);
      } catch (err) {
        throw translatePromptError(err, workspace, name);
      }
    });
}
