// Which API a request came through, declared by each dialect for all of its routes (route config
// `api`); the server hands it to the registry on the actor, and the write command stores it on every
// version it writes (`writtenVia`). A dialect never writes the field itself.
import type { FastifyInstance } from 'fastify';
import type { WriteApi } from '../../model/types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API this route belongs to (set for every route of a dialect plugin). */
    api?: WriteApi;
  }
}

/** Marks every route registered after this call in the plugin `app` as belonging to `api`. */
export function declareApi(app: FastifyInstance, api: WriteApi): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, api };
  });
}

/** The header Lectern's CLI sends, so its writes through the native API are told apart. */
export const CLIENT_HEADER = 'x-lectern-client';
