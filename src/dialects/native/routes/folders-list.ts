// GET /v1/folders — the folders of a workspace's live prompts (the `/`-separated prefixes of their
// names), each with the number of prompts directly in it. The web UI's folder tree reads this
// instead of every prompt.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { WorkspaceQuery } from '../schemas.ts';
import { Folders, errors } from '../responses.ts';

export const schema = {
  operationId: 'listFolders',
  summary: 'List prompt folders',
  description: 'A folder is the part of a name before its last `/`; `count` is the prompts directly in it.',
  tags: ['prompts'],
  querystring: WorkspaceQuery,
  response: { 200: Folders, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/folders', { schema }, async (req) => {
    const data = await app.registry.listFolders(req.actor, { workspace: req.query.workspace });
    return { data };
  });
}
