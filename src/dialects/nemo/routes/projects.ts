// Projects under /apis/entities/v2/workspaces/{workspace}/projects: create, list, get, delete.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError } from '../../../model/errors.ts';
import { NemoHttpError } from '../errors.ts';
import { workspaceMissing } from '../lookup.ts';
import { NamedBody, PageQuery, ProjectPath, WorkspacePath } from '../schemas.ts';
import { dropNulls, pageEnvelope, projectWire } from '../wire.ts';

export const schemas = {
  create: { summary: 'Create a project (NeMo)', tags: ['nemo'], params: WorkspacePath, body: NamedBody },
  list: {
    summary: 'List projects (NeMo)',
    tags: ['nemo'],
    params: WorkspacePath,
    querystring: Type.Object(PageQuery),
  },
  get: { summary: 'Get a project (NeMo)', tags: ['nemo'], params: ProjectPath },
  delete: { summary: 'Delete a project (NeMo)', tags: ['nemo'], params: ProjectPath },
};

const code = (err: unknown) => (err instanceof LecternError ? err.code : undefined);
const projectNotFound = (ws: string, name: string) =>
  new NemoHttpError(404, `Project not found: ${ws}/${name}`);

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/apis/entities/v2/workspaces/:workspace/projects';
  r.post(base, { schema: schemas.create }, async (req, reply) => {
    const { workspace } = req.params;
    try {
      const p = await app.registry.createProject(req.actor, workspace, {
        name: req.body.name,
        description: req.body.description ?? null,
      });
      return reply.code(201).send(projectWire(p, workspace));
    } catch (err) {
      if (code(err) === 'not_found') throw workspaceMissing(workspace);
      if (code(err) === 'conflict') {
        throw new NemoHttpError(409, `Project '${req.body.name}' already exists in workspace '${workspace}'`);
      }
      throw err;
    }
  });
  r.get(base, { schema: schemas.list }, async (req) => {
    const { workspace } = req.params;
    const { page, page_size: pageSize } = req.query;
    const offset = Math.min((page - 1) * pageSize, 2_000_000_000);
    try {
      const p = await app.registry.listProjects(req.actor, workspace, { limit: pageSize, offset });
      return pageEnvelope(
        p.items.map((x) => dropNulls(projectWire(x, workspace))),
        p.total,
        page,
        pageSize,
        'created_at',
      );
    } catch (err) {
      if (code(err) === 'not_found') throw new NemoHttpError(404, `Workspace '${workspace}' not found`);
      throw err;
    }
  });
  r.get(`${base}/:name`, { schema: schemas.get }, async (req) => {
    const { workspace, name } = req.params;
    try {
      return projectWire(await app.registry.getProject(req.actor, workspace, name), workspace);
    } catch (err) {
      if (code(err) === 'not_found') throw projectNotFound(workspace, name);
      throw err;
    }
  });
  r.delete(`${base}/:name`, { schema: schemas.delete }, async (req, reply) => {
    const { workspace, name } = req.params;
    try {
      await app.registry.deleteProject(req.actor, workspace, name);
    } catch (err) {
      if (code(err) === 'not_found') throw projectNotFound(workspace, name);
      throw err;
    }
    return reply.code(204).send();
  });
}
