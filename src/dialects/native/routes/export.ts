// GET /v1/export — the whole workspace as JSON lines (docs/export-format.md), streamed: the answer
// starts before the last prompt is read, and memory stays flat in the number of prompts. Errors
// before the first record (role, workspace) answer in the usual envelope; a failure mid-stream cuts
// the stream short, and the missing footer tells the client the export is incomplete.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'exportWorkspace',
  summary: 'Export a workspace (JSON lines)',
  description: 'Every live prompt with every version, label and label move. Needs an editor or admin key.',
  tags: ['bulk'],
  querystring: WorkspaceQuery,
  produces: ['application/x-ndjson'],
  response: { 200: Type.String({ description: 'application/x-ndjson: one record per line' }), ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/export', { schema }, async (req, reply) => {
    const records = app.registry.exportWorkspace(req.actor, req.query.workspace);
    const first = await records.next(); // role and workspace checks throw here, before any byte
    async function* lines() {
      if (!first.done) yield `${JSON.stringify(first.value)}\n`;
      for await (const r of records) yield `${JSON.stringify(r)}\n`;
    }
    reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    reply.header('cache-control', 'no-store');
    return reply.send(Readable.from(lines(), { objectMode: false }));
  });
}
