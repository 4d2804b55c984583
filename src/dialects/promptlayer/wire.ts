// Response shapes: the publish/patch answer (CreatePromptTemplateResponse), label objects and
// external id mappings.
import type { Label, Prompt } from '../../model/types.ts';
import type { ExternalId, ExternalIdRef, VersionView } from '../../registry/index.ts';
import { metadataWire, templateWire } from './mapping.ts';

/** ExternalId: `{source, external_id}`. */
export function externalIdWire(e: ExternalIdRef) {
  return { source: e.source, external_id: e.externalId };
}

export function createdWire(
  prompt: Prompt,
  version: VersionView,
  externalIds: readonly ExternalIdRef[] = [],
) {
  return {
    id: prompt.seq,
    prompt_name: prompt.name,
    prompt_version_id: version.seq,
    version_number: version.number,
    tags: prompt.tags,
    release_labels: version.labels.length ? version.labels : null,
    prompt_template: templateWire(version),
    metadata: metadataWire(version),
    commit_message: version.commitMessage,
    external_ids: externalIds.map(externalIdWire),
  };
}

export function labelWire(prompt: Prompt, label: Label, versionSeq: number) {
  return {
    id: label.seq,
    name: label.name,
    prompt_id: prompt.seq,
    prompt_version_id: versionSeq,
    created_at: label.createdAt.toISOString(),
  };
}

/** A template's mappings (list and attach answers); each with the time it was attached. */
export function externalIdsWire(prompt: Prompt, externalIds: ExternalId[]) {
  return {
    prompt_template_id: prompt.seq,
    external_ids: externalIds.map((e) => ({ ...externalIdWire(e), created_at: e.createdAt.toISOString() })),
  };
}
