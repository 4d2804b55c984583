// POST /v1/import — JSON lines of an export (docs/export-format.md) into a workspace, streamed: the
// body is read line by line as it arrives (each line within the body limit, memory stays flat) and written in
// batched transactions. Idempotent: prompts already stored (by id) are skipped, so a cut-off import
// is resumed by sending the same file again; with `existing=sync` they are brought up to the
// records instead (what `lectern migrate` reruns do), and `dry_run=true` says what would change.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LecternError } from '../../../model/errors.ts';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';

const Change = Type.Object({
  prompt: Type.String(),
  action: Type.Union([Type.Literal('created'), Type.Literal('updated')]),
  renamed_from: Type.Optional(Type.String()),
  fields: Type.Array(Type.String(), { description: 'prompt fields that changed' }),
  versions_added: Type.Array(Type.Integer()),
  versions_updated: Type.Array(Type.Integer(), { description: 'drafts whose content or status changed' }),
  labels: Type.Array(
    Type.Object({
      label: Type.String(),
      from: Type.Union([Type.Integer(), Type.Null()]),
      to: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});

export const ImportQuery = Type.Composite([
  WorkspaceQuery,
  Type.Object({
    existing: Type.Optional(
      Type.Union([Type.Literal('skip'), Type.Literal('sync')], {
        description:
          'a prompt whose id is stored: skip it whole (default), or sync it to the records (fields, new versions, drafts, labels)',
      }),
    ),
    sync_labels: Type.Optional(
      Type.Boolean({
        description: 'with existing=sync: remove labels the records do not hold (default true)',
      }),
    ),
    dry_run: Type.Optional(
      Type.Boolean({ description: 'write every batch and roll it back: the answer says what would change' }),
    ),
  }),
]);

export const ImportResult = Type.Object({
  prompts_created: Type.Integer(),
  prompts_updated: Type.Integer({ description: 'with existing=sync: stored prompts the records changed' }),
  prompts_skipped: Type.Integer({
    description: 'already stored (same id), or a name held by another prompt',
  }),
  versions: Type.Integer(),
  labels: Type.Integer(),
  label_moves: Type.Integer(),
  complete: Type.Boolean({ description: 'the body ended with the footer record' }),
  dry_run: Type.Boolean(),
  problems: Type.Array(Type.Object({ prompt: Type.String(), reason: Type.String() })),
  changes: Type.Array(Change, {
    description: 'with existing=sync or dry_run: each prompt created or changed',
  }),
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
  querystring: ImportQuery,
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
      const q = req.query;
      return app.registry.importRecords(req.actor, lines, q.workspace, {
        existing: q.existing,
        syncLabels: q.sync_labels,
        dryRun: q.dry_run,
      });
    });
  });
}
