// What the Keywords AI routes share: a prompt's version state (current, live, commit count), the
// metadata that keeps an asked-for name when the stored one differs, and a prompt as the list
// filters see it. (Picking the free name itself is the registry's: write.ts `allocateName`.)
import type { JsonObject, Prompt } from '../../model/types.ts';
import type { PromptRef, PromptWithVersions, VersionSummary } from '../../registry/index.ts';
import type { PromptRow } from './filters.ts';
import { promptIdOf } from './ids.ts';
import {
  DISPLAY_NAME_KEY,
  displayName,
  promptSlug,
  promptStarred,
  STORED_NAME_KEY,
  type PromptState,
} from './wire.ts';

/** How many versions a prompt page lists (Keywords AI's GET /api/prompts/{id}). */
export const VERSION_LIST_LIMIT = 500;

/** A prompt's state with its version list, from the one registry read (`promptWithVersions`). */
export function stateWithVersions(p: Prompt, r: PromptWithVersions): PromptState {
  if (p.deletedAt) return { current: null, live: null, commitCount: 0, versions: [] };
  const current = r.versions[0] ?? null;
  // Only the newest version can be a draft, so every other version is committed.
  const commitCount = r.total - (current?.status === 'draft' ? 1 : 0);
  return { current, live: r.labelled, commitCount, versions: r.versions };
}

/** A prompt's state from its version summary (for the `production` label). */
export function stateOf(s: VersionSummary | undefined): PromptState {
  if (!s) return { current: null, live: null, commitCount: 0, versions: undefined };
  // Only the newest version can be a draft, so every other version is committed.
  return {
    current: s.latest,
    live: s.labelled,
    commitCount: s.count - (s.latest?.status === 'draft' ? 1 : 0),
    versions: undefined,
  };
}

/** Metadata recording the asked-for name when the stored one had to differ. */
export function nameMetadata(base: JsonObject, wanted: string, stored: string): JsonObject {
  const { [DISPLAY_NAME_KEY]: _d, [STORED_NAME_KEY]: _s, ...rest } = base;
  return stored === wanted ? rest : { ...rest, [DISPLAY_NAME_KEY]: wanted, [STORED_NAME_KEY]: stored };
}

/** The prompt as the list filters see it. */
export function rowOf(p: Prompt): PromptRow {
  return {
    seq: p.seq,
    prompt_id: promptIdOf(p.id),
    prompt_slug: promptSlug(p),
    name: displayName(p),
    description: p.description ?? '',
    starred: promptStarred(p),
    tags: p.tags,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    // Every version write touches the prompt, so its updated_at is the newest version write.
    current_version__updated_at: p.lastVersion ? p.updatedAt : null,
  };
}

export const refOf = (p: Prompt): PromptRef => ({ id: p.id });
