// GET /v1/request-logs — the workspace's logged requests, newest first, filtered; keyset-paginated
// (`next_cursor`), so a page stays correct while new records arrive.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRef } from '../mapping.ts';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { RequestLogPage, requestLogSummaryWire } from '../request-log-wire.ts';
import { badRequest } from '../../../model/errors.ts';

const Text = Type.String({ minLength: 1, maxLength: 512 });

export const schema = {
  operationId: 'listRequestLogs',
  summary: 'List logged requests',
  tags: ['request-log'],
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      prompt: Type.Optional(
        Type.String({ minLength: 1, maxLength: 1024, description: 'prompt id, seq or name' }),
      ),
      version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
      label: Type.Optional(Text),
      status: Type.Optional(
        Type.Union([Type.Literal('success'), Type.Literal('warning'), Type.Literal('error')]),
      ),
      source: Type.Optional(
        Type.Union(
          ['pl.track', 'pl.log', 'pl.span', 'ka.gateway', 'ka.log', 'native'].map((s) => Type.Literal(s)),
        ),
      ),
      model: Type.Optional(Text),
      customer: Type.Optional(Text),
      group: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'records in this request group (PromptLayer `/create-group` id)',
        }),
      ),
      since: Type.Optional(Type.String({ format: 'date-time' })),
      until: Type.Optional(Type.String({ format: 'date-time' })),
      metadata: Type.Optional(
        Type.Array(Type.String({ minLength: 2, maxLength: 1024 }), {
          maxItems: 10,
          description: '`key=value`: records whose metadata has that string value (repeatable)',
        }),
      ),
      tag: Type.Optional(Type.Array(Text, { maxItems: 10, description: 'records with every tag given' })),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    }),
  ]),
  response: { 200: RequestLogPage, ...errors },
};

function metadataFilter(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at < 1) throw badRequest('metadata filters are key=value', { field: 'metadata' });
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/request-logs', { schema }, async (req) => {
    const q = req.query;
    const page = await app.registry.listRequestLogs(req.actor, {
      workspace: q.workspace,
      prompt: q.prompt ? promptRef(q.prompt, q.workspace) : undefined,
      versionNumber: q.version,
      label: q.label,
      status: q.status,
      source: q.source as never,
      model: q.model,
      customer: q.customer,
      groupId: q.group,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      metadata: metadataFilter(q.metadata),
      tags: q.tag,
      cursor: q.cursor,
      limit: q.limit,
    });
    return { data: page.items.map(requestLogSummaryWire), next_cursor: page.nextCursor };
  });
}
