// Workspaces under /apis/entities/v2/workspaces: create, list, get, delete (admin keys manage them;
// a workspace-bound key sees only its own).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LecternError } from '../../../model/errors.ts';
import { NemoHttpError } from '../errors.ts';
import { NamedBody, PageQuery } from '../schemas.ts';
import { pageEnvelope, workspaceWire } from '../wire.ts';

const NamePath = Type.Object({ name: Type.String({ maxLength: 255 }) });
export const schemas = {
  create: { summary: 'Create a workspace (NeMo)', tags: ['nemo'], body: NamedBody },
  list: { summary: 'List workspaces (NeMo)', tags: ['nemo'], querystring: Type.Object(PageQuery) },
  get: { summary: 'Get a workspace (NeMo)', tags: ['nemo'], params: NamePath },
  delete: { summary: 'Delete a workspace (NeMo)', tags: ['nemo'], params: NamePath },
};

const notFound = (name: string) => new NemoHttpError(404, `Workspace not found: ${name}`);
const code = (err: unknown) => (err instanceof LecternError ? err.code : undefined);

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post('/apis/entities/v2/workspaces', { schema: schemas.create }, async (req, reply) => {
    try {
      const w = await app.registry.createWorkspace(req.actor, {
        name: req.body.name,
        description: req.body.description ?? null,
      });
      return reply.code(201).send(workspaceWire(w));
    } catch (err) {
      if (code(err) === 'conflict')
        throw new NemoHttpError(409, `Workspace '${req.body.name}' already exists`);
      throw err;
    }
  });
  r.get('/apis/entities/v2/workspaces', { schema: schemas.list }, async (req) => {
    const { page, page_size: pageSize } = req.query;
    const offset = Math.min((page - 1) * pageSize, 2_000_000_000);
    const p = await app.registry.listWorkspaces(req.actor, { limit: pageSize, offset });
    return pageEnvelope(
      p.items
        .map((w) => workspaceWire(w))
        .map((w) => (w.description === null ? { ...w, description: undefined } : w)),
      p.total,
      page,
      pageSize,
      'created_at',
    );
  });
  r.get('/apis/entities/v2/workspaces/:name', { schema: schemas.get }, async (req) => {
    try {
      return workspaceWire(await app.registry.getWorkspace(req.actor, req.params.name));
    } catch (err) {
      if (code(err) === 'not_found') throw notFound(req.params.name);
      throw err;
    }
  });
  r.delete('/apis/entities/v2/workspaces/:name', { schema: schemas.delete }, async (req, reply) => {
    const { name } = req.params;
    if (name === 'system' || name === 'default') {
      throw new NemoHttpError(409, `The built-in workspace '${name}' cannot be deleted`);
    }
    try {
      await app.registry.deleteWorkspace(req.actor, name);
    } catch (err) {
      if (code(err) === 'not_found') throw notFound(name);
      if (code(err) === 'conflict') throw new NemoHttpError(409, `Workspace '${name}' still holds prompts`);
      throw err;
    }
    return reply.code(204).send();
  });
}
