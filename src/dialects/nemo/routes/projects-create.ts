// POST /apis/entities/v2/workspaces/{workspace}/projects — create a project; 422 for an unknown
// workspace (as for prompts), 409 on a taken name.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf } from '../entity-errors.ts';
import { NemoHttpError } from '../errors.ts';
import { workspaceMissing } from '../lookup.ts';
import { NamedBody, WorkspacePath } from '../schemas.ts';
import { projectWire } from '../wire.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoCreateProject',
  summary: 'Create a project (NeMo)',
  tags: ['nemo'],
  params: WorkspacePath,
  body: NamedBody,
  response: { 201: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/apis/entities/v2/workspaces/:workspace/projects', { schema }, async (req, reply) => {
      const { workspace } = req.params;
      try {
        const p = await app.registry.createProject(req.actor, workspace, {
          name: req.body.name,
          description: req.body.description ?? null,
        });
        return reply.code(201).send(projectWire(p, workspace));
      } catch (err) {
        if (codeOf(err) === 'not_found') throw workspaceMissing(workspace);
        if (codeOf(err) === 'conflict') {
          throw new NemoHttpError(
            409,
            `Project '${req.body.name}' already exists in workspace '${workspace}'`,
          );
        }
        throw err;
      }
    });
}
