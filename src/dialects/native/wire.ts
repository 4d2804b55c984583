// The native wire shape: the canonical model in snake_case, with nothing renamed or hidden.
import type {
  ApiKey,
  AuditEvent,
  Label,
  LabelMove,
  Project,
  Prompt,
  Version,
  VersionContent,
  Workspace,
} from '../../model/types.ts';
import type { VersionView } from '../../registry/index.ts';
import { contentHash } from '../../model/content-hash.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function promptWire(p: Prompt) {
  return {
    id: p.id,
    seq: p.seq,
    workspace_id: p.workspaceId,
    name: p.name,
    description: p.description,
    tags: p.tags,
    project_id: p.projectId,
    kind: p.kind,
    is_snippet: p.isSnippet,
    metadata: p.metadata,
    latest_version: p.lastVersion || null,
    revision: p.revision,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    deleted_at: iso(p.deletedAt),
  };
}

/** A version's model and call settings, as every native answer that carries them shows them. */
export function modelConfigWire(v: VersionContent) {
  return {
    model: v.model,
    provider: v.provider,
    params: v.params,
    response_format: v.responseFormat,
    json_schema: v.jsonSchema,
    tools: v.tools,
    tool_choice: v.toolChoice,
    functions: v.functions,
    function_call: v.functionCall,
    fallback_models: v.fallbackModels,
    load_balance_models: v.loadBalanceModels,
  };
}

export function versionWire(v: Version & { labels?: string[] }) {
  return {
    id: v.id,
    seq: v.seq,
    prompt_id: v.promptId,
    number: v.number,
    status: v.status,
    labels: v.labels ?? [],
    template_type: v.templateType,
    messages: v.messages,
    content: v.content,
    template_format: v.templateFormat,
    input_variables: v.inputVariables,
    variable_defaults: v.variableDefaults,
    ...modelConfigWire(v),
    metadata: v.metadata,
    commit_message: v.commitMessage,
    author: v.author,
    written_via: v.writtenVia,
    // The same hash `lectern push` computes from a file (model/content-hash.ts).
    content_hash: contentHash(v),
    revision: v.revision,
    created_at: iso(v.createdAt),
    updated_at: iso(v.updatedAt),
    committed_at: iso(v.committedAt),
  };
}

export const resolvedWire = (r: { prompt: Prompt; version: VersionView }) => ({
  prompt: promptWire(r.prompt),
  version: versionWire(r.version),
});

export const labelWire = (l: Label) => ({
  id: l.id,
  seq: l.seq,
  prompt_id: l.promptId,
  name: l.name,
  version: l.versionNumber,
  version_id: l.versionId,
  created_at: iso(l.createdAt),
  updated_at: iso(l.updatedAt),
});

export const labelMoveWire = (m: LabelMove) => ({
  id: m.id,
  label: m.labelName,
  from_version: m.fromVersion,
  to_version: m.toVersion,
  actor: m.actor,
  at: iso(m.at),
});

export const auditWire = (e: AuditEvent) => ({
  id: e.id,
  workspace_id: e.workspaceId,
  actor: e.actor,
  action: e.action,
  entity_type: e.entityType,
  entity_id: e.entityId,
  before: e.before,
  after: e.after,
  at: iso(e.at),
});

export const keyWire = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  public_key: k.publicKey,
  workspace_id: k.workspaceId,
  role: k.role,
  created_at: iso(k.createdAt),
  revoked_at: iso(k.revokedAt),
});

export const workspaceWire = (w: Workspace) => ({
  id: w.id,
  seq: w.seq,
  name: w.name,
  description: w.description,
  metadata: w.metadata,
  created_at: iso(w.createdAt),
  updated_at: iso(w.updatedAt),
});

export const projectWire = (p: Project) => ({
  id: p.id,
  workspace_id: p.workspaceId,
  name: p.name,
  description: p.description,
  metadata: p.metadata,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
});

export function pageWire<T, W>(
  page: { items: T[]; total: number; totalIsLowerBound?: boolean },
  q: { limit: number; offset: number },
  map: (t: T) => W,
) {
  const next = q.offset + page.items.length;
  const bounded = page.totalIsLowerBound;
  return {
    data: page.items.map(map),
    pagination: {
      total: page.total,
      limit: q.limit,
      offset: q.offset,
      // Past a lower bound there is more while pages come back full.
      next_offset: (bounded ? page.items.length === q.limit : next < page.total) ? next : null,
      ...(bounded === undefined ? {} : { total_is_lower_bound: bounded }),
    },
  };
}
