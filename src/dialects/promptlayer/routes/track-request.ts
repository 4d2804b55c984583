// POST /track-request — what pl.run() and the pl.OpenAI / pl.Anthropic proxies post after the LLM
// call (runtime.md §1.2): one request-log record, committed before answering (the SDK retries
// failures and would log twice), tied to `prompt_id` + `prompt_version` when they name a version of
// the caller's workspace and unlinked otherwise (the call already happened; §6.1). 200, never a
// 422 for odd values: a refusal would replace the LLM's error in the application.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JsonObject } from '../../../model/types.ts';
import { foreignModel } from '../foreign-view.ts';
import { EXTRAS_KEY, writtenByPromptLayer } from '../mapping.ts';
import { trackBlueprint, trackRequestRecord } from '../tracking.ts';
import { AnyBody, TRACKING_CONFIG, TrackRequestAnswer, selectorOf } from '../tracking-routes.ts';
import { errors } from '../responses.ts';
import type { VersionView } from '../../../registry/index.ts';

export const schema = {
  operationId: 'promptlayerTrackRequest',
  summary: 'Log an LLM call made by the SDK (PromptLayer)',
  tags: ['promptlayer'],
  body: AnyBody,
  response: { 200: TrackRequestAnswer, ...errors },
};

/** The version's api_type, where it names one (PromptLayer's own, or inferred for another API's). */
function apiTypeOf(v: VersionView): string | null {
  if (!writtenByPromptLayer(v)) return foreignModel(v)?.apiType ?? null;
  const extras = v.metadata[EXTRAS_KEY] as JsonObject | undefined;
  const model = extras?.['model'] as JsonObject | undefined;
  return typeof model?.['api_type'] === 'string' ? model['api_type'] : null;
}

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/track-request', { schema, config: TRACKING_CONFIG }, async (req) => {
      const b = req.body as JsonObject;
      const input = trackRequestRecord(b);
      const pid = b['prompt_id'];
      const link =
        typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0
          ? { prompt: { seq: pid }, select: selectorOf(b['prompt_version'], null) }
          : null;
      const [r] = await app.registry.logLinkedRequests(req.actor, [{ input, link }], { durable: true });
      const apiType = (r!.resolved && apiTypeOf(r!.resolved.version)) ?? input.apiType ?? null;
      return {
        success: true,
        request_id: Number(r!.id),
        prompt_blueprint:
          b['return_prompt_blueprint'] === true
            ? trackBlueprint(
                input.request as JsonObject,
                input.response as JsonObject,
                input.provider ?? null,
                apiType,
              )
            : null,
        message: 'Request tracked successfully',
      };
    });
}
