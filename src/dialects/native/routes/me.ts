// GET /v1/me — who the presented key is: its role, its workspace (or all), and the workspaces it
// can see, and its public key (Langfuse clients send it beside the key: the UI's snippets show it).
// The web UI shows this after sign-in and offers the workspace switch from it.
import type { FastifyInstance } from 'fastify';
import { publicKeyOf } from '../../../registry/index.ts';
import { workspaceWire } from '../wire.ts';
import { Me, errors } from '../responses.ts';

export const schema = {
  operationId: 'whoAmI',
  summary: 'The calling key',
  tags: ['keys'],
  response: { 200: Me, ...errors },
};

export default function route(app: FastifyInstance) {
  app.get('/me', { schema }, async (req) => {
    const a = req.actor;
    const page = await app.registry.listWorkspaces(a, { limit: 500, offset: 0 });
    const own = a.workspaceId ? page.items.find((w) => w.id === a.workspaceId) : undefined;
    return {
      key_id: a.keyId,
      public_key: publicKeyOf(a.keyId),
      role: a.role,
      workspace_id: a.workspaceId,
      workspace: own?.name ?? null,
      all_workspaces: a.workspaceId === null,
      workspaces: page.items.map(workspaceWire),
    };
  });
}
