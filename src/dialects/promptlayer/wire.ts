// Response shapes: the publish/patch answer (CreatePromptTemplateResponse) and label objects.
import type { Label, Prompt } from '../../model/types.ts';
import type { VersionView } from '../../registry/index.ts';
import { metadataWire, templateWire } from './mapping.ts';

export function createdWire(prompt: Prompt, version: VersionView) {
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
    external_ids: [],
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
