// The bulk export format (docs/export-format.md): JSON lines, one record per line, versioned by the
// header's `format_version`. Records of one prompt come together, in this order: `prompt`, its
// `version`s (ascending number), its `label`s, its `label_move`s (ascending). A `footer` with counts
// closes a complete export, so a cut-off file is told apart from a whole one. Pure: types and the
// check of one record as it arrives (import streams, never holding more than a batch).
import { LecternError } from './errors.ts';
import type { SnakeContent } from './version-snake.ts';
import { WRITE_APIS, type JsonObject, type WriteApi } from './types.ts';

export const EXPORT_FORMAT = 'lectern-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface HeaderRecord {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  format_version: number;
  exported_at: string;
  workspace: string;
  lectern_version?: string;
}
export interface PromptRecord {
  type: 'prompt';
  id: string;
  name: string;
  description: string | null;
  tags: string[];
  project: string | null;
  kind: 'chat' | 'completion';
  is_snippet: boolean;
  metadata: JsonObject;
  created_at: string;
  updated_at: string;
}
/** A version: its content in the snake_case every snake_case surface shares (version-snake.ts). */
export interface VersionRecord extends SnakeContent {
  type: 'version';
  id: string;
  prompt_id: string;
  number: number;
  status: 'draft' | 'committed';
  author: string | null;
  /** The API that wrote it (null: unknown). Absent in exports made before Lectern recorded it. */
  written_via?: WriteApi | null;
  content_hash: string;
  created_at: string;
  updated_at: string;
  committed_at: string | null;
}
export interface LabelRecord {
  type: 'label';
  prompt_id: string;
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
}
export interface LabelMoveRecord {
  type: 'label_move';
  prompt_id: string;
  label: string;
  from_version: number | null;
  to_version: number | null;
  actor: string | null;
  at: string;
}
export interface FooterRecord {
  type: 'footer';
  prompts: number;
  versions: number;
  labels: number;
  label_moves: number;
}

export type ExportRecord =
  HeaderRecord | PromptRecord | VersionRecord | LabelRecord | LabelMoveRecord | FooterRecord;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const bad = (line: number, msg: string) =>
  new LecternError({ kind: 'invalid', field: `line ${line}` }, `import line ${line}: ${msg}`, { line });

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isUuid = (v: unknown) => typeof v === 'string' && UUID.test(v);
const isInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 2_147_483_647;
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';
const isArrOrNull = (v: unknown) => v === null || Array.isArray(v);
const isObjOrNull = (v: unknown) => v === null || isObj(v);

/** Checks one parsed line; throws `invalid` naming the line and the field. */
export function checkRecord(line: number, r: unknown): ExportRecord {
  if (!isObj(r)) throw bad(line, 'a record must be a JSON object');
  const need = (ok: boolean, field: string) => {
    if (!ok) throw bad(line, `${String(r.type)} record: ${field} is missing or malformed`);
  };
  switch (r.type) {
    case 'header':
      need(r.format === EXPORT_FORMAT, 'format');
      if (r.format_version !== EXPORT_FORMAT_VERSION)
        throw bad(
          line,
          `format_version ${String(r.format_version)} is not supported (this server reads ${EXPORT_FORMAT_VERSION})`,
        );
      return r as unknown as HeaderRecord;
    case 'prompt':
      need(isUuid(r.id), 'id');
      need(typeof r.name === 'string' && r.name.length >= 1 && r.name.length <= 512, 'name');
      need(isStrOrNull(r.description), 'description');
      need(Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string'), 'tags');
      need(isStrOrNull(r.project ?? null), 'project');
      need(r.kind === 'chat' || r.kind === 'completion', 'kind');
      need(typeof r.is_snippet === 'boolean', 'is_snippet');
      need(isObj(r.metadata), 'metadata');
      need(isTime(r.created_at) && isTime(r.updated_at), 'created_at / updated_at');
      return r as unknown as PromptRecord;
    case 'version':
      need(isUuid(r.id) && isUuid(r.prompt_id), 'id / prompt_id');
      need(isInt(r.number), 'number');
      need(r.status === 'draft' || r.status === 'committed', 'status');
      need(r.template_type === 'chat' || r.template_type === 'completion', 'template_type');
      need(
        Array.isArray(r.messages) && r.messages.every((m) => isObj(m) && typeof m.role === 'string'),
        'messages',
      );
      need(isArrOrNull(r.content), 'content');
      need(['mustache', 'jinja2', 'f-string'].includes(r.template_format as string), 'template_format');
      need(Array.isArray(r.input_variables), 'input_variables');
      need(
        isObj(r.variable_defaults) && isObj(r.params) && isObj(r.metadata),
        'variable_defaults / params / metadata',
      );
      need(
        isStrOrNull(r.model) && isStrOrNull(r.provider) && isStrOrNull(r.commit_message),
        'model / provider / commit_message',
      );
      need(isObjOrNull(r.response_format) && isObjOrNull(r.json_schema), 'response_format / json_schema');
      need(isArrOrNull(r.tools) && isArrOrNull(r.functions), 'tools / functions');
      need(
        isArrOrNull(r.fallback_models) && isArrOrNull(r.load_balance_models),
        'fallback_models / load_balance_models',
      );
      need(r.author === null || isUuid(r.author), 'author');
      need(
        r.written_via === undefined ||
          r.written_via === null ||
          (WRITE_APIS as readonly unknown[]).includes(r.written_via),
        'written_via',
      );
      need(
        isTime(r.created_at) && isTime(r.updated_at) && (r.committed_at === null || isTime(r.committed_at)),
        'times',
      );
      return r as unknown as VersionRecord;
    case 'label':
      need(
        isUuid(r.prompt_id) && typeof r.name === 'string' && r.name.length >= 1 && r.name.length <= 128,
        'prompt_id / name',
      );
      need(isInt(r.version), 'version');
      need(isTime(r.created_at) && isTime(r.updated_at), 'times');
      return r as unknown as LabelRecord;
    case 'label_move':
      need(isUuid(r.prompt_id) && typeof r.label === 'string', 'prompt_id / label');
      need(
        (r.from_version === null || isInt(r.from_version)) && (r.to_version === null || isInt(r.to_version)),
        'from_version / to_version',
      );
      need(r.actor === null || isUuid(r.actor), 'actor');
      need(isTime(r.at), 'at');
      return r as unknown as LabelMoveRecord;
    case 'footer':
      return r as unknown as FooterRecord;
    default:
      throw bad(line, `unknown record type ${JSON.stringify(r.type)}`);
  }
}
