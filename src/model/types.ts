// The canonical model every surface maps onto. Field names are ours; each dialect renders them in
// its own wire shape (see src/dialects/*/mapping.ts).

export type Role = 'admin' | 'editor' | 'viewer';
export type TemplateFormat = 'mustache' | 'jinja2' | 'f-string';
export type TemplateType = 'chat' | 'completion';
export type VersionStatus = 'draft' | 'committed';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Workspace {
  id: string;
  seq: number;
  name: string;
  description: string | null;
  metadata: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface Project {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  metadata: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface Prompt {
  id: string; // UUIDv7: Keywords AI's 32-hex prompt_id, NeMo's prompt-<base58>
  seq: number; // PromptLayer's integer id
  workspaceId: string;
  name: string;
  description: string | null;
  tags: string[];
  projectId: string | null;
  kind: TemplateType;
  isSnippet: boolean;
  metadata: JsonObject; // dialect extras kept per prompt (slug, starred, folder, external ids …)
  revision: number; // bumped by every write that touches the prompt, its versions or labels
  lastVersion: number; // highest version number ever assigned (numbers are never reused)
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A chat message as the client sent it: known keys are read, unknown keys are kept. */
export type Message = { role: string; content?: Json } & { [key: string]: Json | undefined };

export interface LoadBalanceModel {
  model: string;
  weight: number;
  credentials?: JsonObject;
  [key: string]: Json | undefined;
}

/** The content of a version: everything a dialect can write. */
export interface VersionContent {
  templateType: TemplateType;
  messages: Message[]; // chat templates
  content: Json[] | null; // completion templates: content blocks
  templateFormat: TemplateFormat; // default for messages that carry no template_format of their own
  inputVariables: string[];
  variableDefaults: JsonObject;
  model: string | null;
  provider: string | null;
  params: JsonObject; // temperature, max_tokens, top_p, penalties, stop, seed, stream, reasoning_effort … and extras
  responseFormat: JsonObject | null;
  jsonSchema: JsonObject | null;
  tools: Json[] | null;
  toolChoice: Json | null;
  functions: Json[] | null;
  functionCall: Json | null;
  fallbackModels: string[] | null;
  loadBalanceModels: LoadBalanceModel[] | null;
  metadata: JsonObject; // dialect extras kept per version
  commitMessage: string | null;
}

export interface Version extends VersionContent {
  id: string;
  seq: number; // PromptLayer's prompt_version_id
  promptId: string;
  number: number;
  status: VersionStatus;
  revision: number; // bumped by each in-place draft edit
  author: string | null; // API key id
  /** The API the version was written through; null for versions written before it was recorded. */
  writtenVia: WriteApi | null;
  createdAt: Date;
  updatedAt: Date;
  committedAt: Date | null;
  deletedAt: Date | null;
}

export interface Label {
  id: string;
  seq: number; // PromptLayer's release_label_id
  promptId: string;
  name: string;
  versionId: string;
  versionNumber: number;
  versionSeq: number; // PromptLayer's prompt_version_id of the version it points at
  createdAt: Date;
  updatedAt: Date;
}

export interface LabelMove {
  id: number;
  promptId: string;
  labelName: string;
  fromVersion: number | null; // null: the label was created
  toVersion: number | null; // null: the label was deleted
  actor: string | null;
  at: Date;
}

export interface AuditEvent {
  id: number;
  workspaceId: string | null;
  actor: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: Json;
  after: Json;
  at: Date;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string; // shown in listings so a key can be recognised without its secret
  publicKey: string; // the key's public identifier (a Langfuse client's public key): pk-lec-<id>
  workspaceId: string | null; // null: every workspace (admin keys only)
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * The API a write came through. `cli`: the native API called by Lectern's own CLI (it says so in
 * `X-Lectern-Client`); `import`: the native bulk import (`POST /v1/import`, `lectern import`/`migrate`).
 */
export const WRITE_APIS = [
  'native',
  'cli',
  'import',
  'promptlayer',
  'keywordsai',
  'nemo',
  'langfuse',
] as const;
export type WriteApi = (typeof WRITE_APIS)[number];

/** Who is calling: the resolved API key, and the API the request came through (if any). */
export interface Actor {
  keyId: string;
  role: Role;
  workspaceId: string | null;
  /** Set per request by the server from the route's dialect; versions record it (`writtenVia`). */
  via?: WriteApi;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export const DEFAULT_WORKSPACE = 'default';
export const PRODUCTION_LABEL = 'production';
