// GET and POST /api/prompts/summary/ — {"total_count": n} for the same filters as the list.
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../../model/types.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseFilters } from '../filters.ts';
import type { ParsedFilters } from '../filters.ts';
import { getSchema, postSchema, queryFilters, queryOf } from './prompts-list.ts';
import { Summary, errors } from '../responses.ts';

export default function route(app: FastifyInstance) {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  // A getter: each route gets its own response map (Fastify rewrites a route's map in place).
  const summary = {
    summary: 'Count prompts (Keywords AI)',
    tags: ['keywordsai'],
    get response() {
      return { 200: Summary, ...errors };
    },
  };
  // Only the count is needed: a page of one row carries the total.
  const count = async (actor: Actor, f: ParsedFilters) => ({
    total_count: (await app.registry.listPrompts(actor, { ...queryOf(f, undefined), limit: 1, offset: 0 }))
      .total,
  });
  typed.get(
    '/api/prompts/summary',
    { schema: { ...getSchema, ...summary, operationId: 'keywordsaiCountPrompts' } },
    async (req) => count(req.actor, queryFilters(req.query)),
  );
  typed.post(
    '/api/prompts/summary',
    {
      schema: { ...postSchema, ...summary, operationId: 'keywordsaiCountPromptsPost' },
      config: { readOnly: true },
    },
    async (req) => count(req.actor, parseFilters(req.body.filters, req.body.operator)),
  );
}
