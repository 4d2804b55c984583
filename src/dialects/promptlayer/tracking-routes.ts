// What every PromptLayer run-time route shares: the key may come in the body (the SDK sends no
// key header on its tracking calls), and no 429 ever — the SDKs retry a 429 three times with
// waits of 2-8 s, stalling the application's run() and logging it twice (runtime.md §0).
import { Type } from '@sinclair/typebox';
import { Anything } from '../common/schema.ts';
import type { PromptRef, VersionSelector } from '../../registry/index.ts';
import { promptRefs } from './mapping.ts';

export const TRACKING_CONFIG = { bodyKey: true, unlimited: true } as const;

/** A JSON object of any fields: these bodies are mapped, not refused (tracking.ts). */
export const AnyBody = Type.Object({}, { additionalProperties: true });

/** `{success, message}`: the enrichment answers (the SDK paths send only `success`; both is safe). */
export const Tracked = Type.Object({ success: Type.Boolean(), message: Type.String() });

export const TrackRequestAnswer = Type.Object({
  success: Type.Boolean(),
  request_id: Type.Integer(),
  prompt_blueprint: Anything('the logged call as a prompt blueprint, or null'),
  message: Type.String(),
});

/** A request id as the SDK sends it: an integer or its decimal string. */
export const RequestId = Type.Union([
  Type.Integer({ minimum: 1 }),
  Type.String({ minLength: 1, maxLength: 20 }),
]);

/** A PromptLayer template reference: an integer id is the prompt's seq, a name otherwise. */
export function promptRefOf(idOrName: number | string): PromptRef {
  if (typeof idOrName === 'number') return { seq: idOrName };
  return promptRefs(idOrName).at(-1)!;
}

export function selectorOf(version: unknown, label: unknown): VersionSelector {
  if (typeof label === 'string' && label) return { label };
  const n = typeof version === 'string' && /^\d+$/.test(version) ? Number(version) : version;
  if (typeof n === 'number' && Number.isInteger(n) && n > 0) return { number: n };
  return { latest: true };
}
