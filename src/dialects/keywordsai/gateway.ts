// The Keywords AI gateway routes, in their own encapsulated plugin: they answer errors in the
// OpenAI envelope the `openai` SDK reads ({"error":{"message","type","code","param"}}, code
// "keywordsai_error" as the product sends), not the management API's DRF {"detail"}.
import type { FastifyInstance } from 'fastify';
import { PRODUCTION_LABEL } from '../../model/types.ts';
import { toProblem } from '../common/errors.ts';
import { toKwError } from './errors.ts';
import chatCompletions from './routes/chat-completions.ts';

const TYPE_OF: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  502: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
};

export default async function keywordsaiGateway(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    const e = toKwError(err);
    if (e.status >= 500 && e.status !== 502 && e.status !== 504) req.log.error({ err }, 'request failed');
    if (e.status === 401) reply.header('www-authenticate', 'Bearer realm="api"');
    if (e.retryAfter) reply.header('retry-after', String(e.retryAfter));
    // The product's words when the prompt has no deployed version.
    const message =
      p.fault?.kind === 'label_not_found' && p.fault.label === PRODUCTION_LABEL
        ? 'No live version found for the prompt, try deploying a version first!'
        : e.detail;
    return reply.code(e.status).send({
      error: { message, type: TYPE_OF[e.status] ?? 'api_error', code: 'keywordsai_error', param: null },
    });
  });
  chatCompletions(app);
}
