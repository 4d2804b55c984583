// The NVIDIA NeMo Platform dialect: prompts under /apis/models/v2/workspaces/{ws}/prompts and the
// entity store's workspaces and projects under /apis/entities/v2/workspaces, with NeMo's error
// bodies (FastAPI 422 lists for validation, {"detail": "<text>"} for everything else).
import type { FastifyInstance } from 'fastify';
import { nemoErrorHandler } from './errors.ts';
import { routes } from './routes/index.ts';
import { declareApi } from '../common/write-api.ts';

/** Shared response schemas, added at the root by server/app.ts. */
export { components as schemas } from './responses.ts';

export default async function nemoApi(app: FastifyInstance): Promise<void> {
  declareApi(app, 'nemo');
  app.setErrorHandler(nemoErrorHandler);
  for (const route of routes) route(app);
  // Unknown paths under /apis answer as FastAPI does.
  await app.register(
    async (sub) => {
      sub.setNotFoundHandler((_req, reply) => reply.code(404).send({ detail: 'Not Found' }));
    },
    { prefix: '/apis' },
  );
}
