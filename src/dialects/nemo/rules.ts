// Cross-field rules pydantic checks after the schema (model validators), reported in its shape.
import { NemoValidationError } from './errors.ts';

/** max_tokens and max_completion_tokens cannot both be set (both truthy, as NeMo tests it). */
export function checkInferenceParams(ip: Record<string, unknown> | null | undefined): void {
  if (ip && ip.max_tokens && ip.max_completion_tokens) {
    throw new NemoValidationError([
      {
        type: 'value_error',
        loc: ['body', 'inference_params'],
        msg: 'Value error, max_tokens and max_completion_tokens cannot both be configured.',
        input: ip,
        ctx: { error: 'max_tokens and max_completion_tokens cannot both be configured.' },
      },
    ]);
  }
}
