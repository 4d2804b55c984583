// PromptLayer's paths Lectern does not serve (workflows: runtime.md §1.8), and any unknown path
// under PromptLayer's own prefixes, answer 404 in PromptLayer's envelope — the SDK shows
// `data.message || data.error`, so both are strings (never "Error: [object Object]").
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.ts';

/** Prefixes only PromptLayer uses (not /api/public, which Langfuse shares). */
export const PREFIXES = ['/rest', '/prompt-templates', '/prompts', '/prompt-labels', '/workflows'];
const UNSERVED = ['/ws-token-request-library', '/workflow-version-execution-results'];

export default function route(app: FastifyInstance) {
  const notHere = (path: string) =>
    errorBody(404, `${path} is not served by this PromptLayer-compatible server`);
  for (const url of UNSERVED) {
    app.route({
      method: ['GET', 'POST'],
      url,
      schema: { hide: true },
      config: { public: true, unlimited: true, readOnly: true },
      handler: async (_req, reply) => reply.code(404).send(notHere(url)),
    });
  }
  for (const prefix of PREFIXES) {
    void app.register(
      async (sub) => {
        sub.setNotFoundHandler((req, reply) =>
          reply.code(404).send(notHere(req.url.split('?')[0] ?? prefix)),
        );
      },
      { prefix },
    );
  }
}
