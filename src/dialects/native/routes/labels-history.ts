// GET /v1/prompts/:prompt/label-history (also /labels/history) — every label move, newest first.
// The static segment `history` outranks the `:label` parameter in the router, so GET
// /labels/history never reads as a label named "history".
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labelMoveWire, pageWire } from '../wire.ts';
import { promptRef } from '../mapping.ts';
import { Pagination, PromptParams, WorkspaceQuery } from '../schemas.ts';
import { LabelMovePage, errors } from '../responses.ts';

export const schema = {
  operationId: 'labelHistory',
  summary: 'Label history',
  tags: ['labels'],
  params: PromptParams,
  querystring: Type.Composite([
    WorkspaceQuery,
    Type.Object({ label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), ...Pagination }),
  ]),
  response: { 200: LabelMovePage, ...errors },
};

export default function route(app: FastifyInstance) {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const paths = [
    ['/prompts/:prompt/label-history', schema],
    // The alias is its own operation in /openapi.json: operation ids are unique.
    [
      '/prompts/:prompt/labels/history',
      // Its own response map too: Fastify rewrites a route's map in place as it compiles it.
      { ...schema, operationId: 'labelHistoryAlias', response: { ...schema.response } },
    ],
  ] as const;
  for (const [url, routeSchema] of paths) {
    typed.get(url, { schema: routeSchema }, async (req) => {
      const q = req.query;
      const page = await app.registry.labelHistory(req.actor, promptRef(req.params.prompt, q.workspace), {
        limit: q.limit,
        offset: q.offset,
        label: q.label,
      });
      return pageWire(page, q, labelMoveWire);
    });
  }
}
