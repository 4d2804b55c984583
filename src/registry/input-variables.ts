// A version's input_variables are derived from its messages on every write (sorted, unique), so
// what a client is told to supply always matches what the templates use.
import { extractVersionVariables, type ContentPart } from '../templates/index.ts';
import type { VersionContent } from '../model/types.ts';

export function computeInputVariables(c: VersionContent): string[] {
  try {
    return extractVersionVariables(c.messages, c.content as ContentPart[] | null, c.templateFormat);
  } catch {
    // A template that does not parse still stores (drafts are often mid-edit); it declares nothing.
    return [];
  }
}
