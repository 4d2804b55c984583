// Langfuse's own input rules (PromptNameSchema, label and commit-message limits, unique variable
// and placeholder names), checked at the wire edge so a request Langfuse would refuse is refused
// here with its words, and nothing is written.
import { badRequest } from '../../model/errors.ts';
import type { Message } from '../../model/types.ts';
import { extractVersionVariables, type VersionMessage } from '../../templates/index.ts';
import { LATEST } from './mapping.ts';

const RESERVED_NAMES = new Set(['new', 'metrics', 'prompt-detail']);
export const LABEL_PATTERN = '^[a-z0-9_\\-.]+$';
const LABEL = new RegExp(LABEL_PATTERN);

export function checkName(name: string): void {
  const bad = (why: string) => badRequest(`Invalid prompt name '${name}': ${why}`, { field: 'name' });
  if (!name.trim() || name !== name.trim())
    throw bad('it must be non-empty and not start or end with spaces');
  if (name.length > 255) throw bad('it can have at most 255 characters');
  if (name.includes('|')) throw bad('it cannot contain "|"');
  if (/<[^>]*>/.test(name)) throw bad('it cannot contain HTML');
  if (name.startsWith('/') || name.endsWith('/')) throw bad('it cannot start or end with "/"');
  if (name.includes('//')) throw bad('it cannot contain "//"');
  if (RESERVED_NAMES.has(name)) throw bad('this name is reserved');
}

/** Labels to set: Langfuse's charset and length; `latest` only where the route allows it. */
export function checkLabels(labels: readonly string[], opts: { allowLatest: boolean }): void {
  for (const l of labels) {
    if (l === LATEST && !opts.allowLatest)
      throw badRequest("Label 'latest' is always assigned to the latest prompt version", {
        field: 'newLabels',
      });
    if (l.length < 1 || l.length > 36 || !LABEL.test(l)) {
      throw badRequest(
        `Invalid label '${l}': labels are 1 to 36 characters of lowercase letters, digits, '_', '-' and '.'`,
        { field: 'labels' },
      );
    }
  }
}

/** In a chat prompt a variable cannot share its name with a placeholder. */
export function checkPlaceholders(messages: Message[]): void {
  const placeholders = new Set(
    messages.filter((m) => m.role === 'placeholder').map((m) => String(m['name'])),
  );
  if (!placeholders.size) return;
  const texts = messages.filter((m) => m.role !== 'placeholder') as VersionMessage[];
  let vars: string[] = [];
  try {
    vars = extractVersionVariables(texts, null, 'mustache');
  } catch {
    vars = []; // a template that does not parse declares nothing
  }
  const clash = vars.filter((v) => placeholders.has(v));
  if (clash.length) {
    throw badRequest(`variables and placeholders must be unique: ${clash.join(', ')}`, { field: 'prompt' });
  }
}
