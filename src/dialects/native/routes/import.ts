// POST /v1/import — JSON lines of an export (docs/export-format.md) into a workspace, streamed: the
// body is read line by line as it arrives (each line within the body limit, memory stays flat) and written in
// batched transactions. Idempotent: prompts already stored (by id) are skipped, so a cut-off import
// is resumed by sending the same file again.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError } from '../../../model/errors.ts';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';

export const ImportResult = Type.Object({
  prompts_created: Type.Integer(),
  prompts_skipped: Type.Integer({
    description: 'already stored (same id), or a name held by another prompt',
  }),
  versions: Type.Integer(),
  labels: Type.Integer(),
  label_moves: Type.Integer(),
  complete: Type.Boolean({ description: 'the body ended with the footer record' }),
  problems: Type.Array(Type.Object({ prompt: Type.String(), reason: Type.String() })),
});

/**
 * The body's lines, read only as the registry asks for them (backpressure: the client waits while a
 * batch is written). Not readline: it emits lines as events, losing those that arrive before the
 * consumer starts iterating.
 */
async function* linesOf(body: Readable, maxLine: number): AsyncGenerator<string> {
  body.setEncoding('utf8'); // a multi-byte character split across chunks stays whole
  // The body as a whole has no limit (a workspace's export is as large as it is), but each record
  // is bounded by the body limit every other route has: one line cannot take the server's memory.
  const tooLarge = () =>
    new LecternError(
      { kind: 'payload_too_large' },
      `an import record is over the body limit (${maxLine} bytes)`,
    );
  let tail = '';
  for await (const chunk of body as AsyncIterable<string>) {
    const parts = (tail + chunk).split('\n');
    tail = parts.pop()!;
    for (const p of parts) {
      if (p.length > maxLine) throw tooLarge();
      yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
    if (tail.length > maxLine) throw tooLarge();
  }
  if (tail) yield tail;
}

export const schema = {
  operationId: 'importWorkspace',
  summary: 'Import an export (JSON lines)',
  description: 'Needs an editor or admin key. Send `content-type: application/x-ndjson`.',
  tags: ['bulk'],
  querystring: WorkspaceQuery,
  consumes: ['application/x-ndjson'],
  response: { 200: ImportResult, ...errors },
};

export default function route(app: FastifyInstance) {
  // Its own context: the body reaches the handler as the raw stream, whatever its content type.
  void app.register(async (sub) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    sub.withTypeProvider<TypeBoxTypeProvider>().post('/import', { schema }, async (req) => {
      const body = req.body as Readable | undefined;
      const lines = body
        ? linesOf(body, app.initialConfig.bodyLimit ?? 1024 * 1024)
        : (async function* () {})();
      return app.registry.importRecords(req.actor, lines, req.query.workspace);
    });
  });
}
