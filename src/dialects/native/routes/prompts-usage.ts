// GET /v1/prompts/:prompt/usage — per-version usage over a window (default: the last 30 days):
// count, error rate, latency p50/p95, tokens, cost, mean score per name; with `bucket`, also per
// hour or day for a chart; with `label`, only the versions that label pointed to in the window.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRef } from '../mapping.ts';
import { PromptParams, WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { PromptUsageBody, promptUsageWire } from '../request-log-wire.ts';

export const schema = {
  operationId: 'promptUsage',
  summary: 'Per-version usage of a prompt',
  tags: ['request-log'],
  params: PromptParams,
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({
      since: Type.Optional(Type.String({ format: 'date-time' })),
      until: Type.Optional(Type.String({ format: 'date-time' })),
      label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')])),
    }),
  ]),
  response: { 200: PromptUsageBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/prompts/:prompt/usage', { schema }, async (req) => {
    const q = req.query;
    const usage = await app.registry.promptUsage(req.actor, promptRef(req.params.prompt, q.workspace), {
      workspace: q.workspace,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      label: q.label,
      bucket: q.bucket,
    });
    return promptUsageWire(usage);
  });
}
