// Canonical prompts and versions in the Keywords AI wire shape.
import { PRODUCTION_LABEL, type Prompt } from '../../model/types.ts';
import type { VersionView } from '../../registry/index.ts';
import { kwTime, promptIdOf, versionIdOf } from './ids.ts';
import { kwFields } from './version-fields.ts';

/** Lectern keeps the API key that wrote a version, not a person: rendered as an anonymous user. */
function editedBy(author: string | null) {
  return author ? { email: '', first_name: '', last_name: '', api_key_id: author } : null;
}

export function versionWire(v: VersionView, prompt: Prompt) {
  const id = versionIdOf(prompt.id, v.number);
  return {
    id,
    prompt_version_id: id,
    version: v.number,
    ...kwFields(v),
    readonly: v.status !== 'draft',
    is_deployed: v.labels.includes(PRODUCTION_LABEL),
    edited_by: editedBy(v.author),
    prompt: prompt.seq,
    parent_prompt: promptIdOf(prompt.id),
    created_at: kwTime(v.createdAt),
    updated_at: kwTime(v.updatedAt),
  };
}
export type VersionWire = ReturnType<typeof versionWire>;

/**
 * Keywords AI allows repeated names; Lectern names are unique per workspace. When the asked-for name
 * was taken, the prompt is stored as "<name> (n)" and the asked-for name is kept in metadata, shown
 * here for as long as nobody renamed the prompt through another API.
 */
export const DISPLAY_NAME_KEY = 'keywordsai_name';
export const STORED_NAME_KEY = 'keywordsai_stored_name';

export function displayName(p: Prompt): string {
  const shown = p.metadata[DISPLAY_NAME_KEY];
  return typeof shown === 'string' && p.metadata[STORED_NAME_KEY] === p.name ? shown : p.name;
}

export const promptSlug = (p: Prompt) =>
  typeof p.metadata.prompt_slug === 'string' ? p.metadata.prompt_slug : '';
export const promptStarred = (p: Prompt) => p.metadata.starred === true;

export interface PromptState {
  current: VersionView | null;
  live: VersionView | null;
  commitCount: number;
  versions?: VersionView[];
}

export function promptWire(p: Prompt, s: PromptState) {
  const id = promptIdOf(p.id);
  return {
    id,
    prompt_id: id,
    full_prompt_id: id,
    name: displayName(p),
    description: p.description ?? '',
    prompt_slug: promptSlug(p),
    tags: p.tags.map((t) => ({
      id: t,
      name: t,
      color: '',
      created_at: kwTime(p.createdAt),
      updated_at: kwTime(p.updatedAt),
    })),
    current_version: s.current ? versionWire(s.current, p) : null,
    live_version: s.live ? versionWire(s.live, p) : null,
    prompt_live_version_number: s.live?.number ?? null,
    commit_count: s.commitCount,
    starred: promptStarred(p),
    prompt_versions: s.versions ? s.versions.map((v) => versionWire(v, p)) : null,
    prompt_activities: null,
    is_example: false,
    blurred: false,
    is_deleted: p.deletedAt !== null,
    created_at: kwTime(p.createdAt),
    updated_at: kwTime(p.updatedAt),
  };
}
export type PromptWire = ReturnType<typeof promptWire>;
