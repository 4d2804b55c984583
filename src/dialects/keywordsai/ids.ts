// Keywords AI identifiers: the prompt UUID rendered as 32 hex characters, and
// "<prompt_id>-<number>" version ids. Path segments accept those forms and map them to registry refs.
import { hex32, isUuid, uuidFromHex32 } from '../../model/ids.ts';
import { notFound } from '../../model/errors.ts';
import type { VersionSelector } from '../../registry/index.ts';

export const promptIdOf = (uuid: string) => hex32(uuid);
export const versionIdOf = (promptUuid: string, number: number) => `${hex32(promptUuid)}-${number}`;

/** `{prompt_id}` in a path: 32 hex (what we hand out) or a dashed UUID; anything else is absent. */
export function promptRefOf(param: string): { id: string } {
  const uuid = isUuid(param) ? param.toLowerCase() : uuidFromHex32(param);
  if (!uuid) throw notFound('prompt');
  return { id: uuid };
}

const MAX_NUMBER = 2_147_483_647;

/**
 * `{version}` in a path: the integer number (what the product documents), `latest`, or the
 * `<prompt_id>-<n>` string (some older docs showed it; it must name the same prompt).
 */
export function versionSelectorOf(param: string, promptUuid: string): VersionSelector {
  if (param === 'latest') return { latest: true };
  let digits = param;
  const m = /^([0-9a-fA-F]{32})-(\d+)$/.exec(param);
  if (m) {
    if (m[1]!.toLowerCase() !== hex32(promptUuid)) throw notFound('prompt version');
    digits = m[2]!;
  }
  if (!/^\d{1,10}$/.test(digits)) throw notFound('prompt version');
  const n = Number(digits);
  if (n < 1 || n > MAX_NUMBER) throw notFound('prompt version');
  return { number: n };
}

/** Timestamps as the product prints them: ISO-8601 with microseconds and Z. */
export function kwTime(d: Date | null): string | null {
  if (!d) return null;
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
