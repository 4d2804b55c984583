// The PromptLayer dialect: PromptLayer's prompt-registry REST API at its own paths
// (/rest/prompt-templates, /prompt-templates, /prompts/{id}/label, /prompt-labels/{id},
// /api/public/v2/folders/entities), answering in PromptLayer's error envelopes.
import type { FastifyInstance } from 'fastify';
import { promptlayerErrorHandler } from './errors.ts';
import { routes } from './routes/index.ts';
import { declareApi } from '../common/write-api.ts';

/** Shared response schemas, added at the root by server/app.ts. */
export { components as schemas } from './responses.ts';

export default async function promptlayerApi(app: FastifyInstance): Promise<void> {
  declareApi(app, 'promptlayer');
  app.setErrorHandler(promptlayerErrorHandler);
  for (const route of routes) route(app);
}
