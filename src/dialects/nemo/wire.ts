// The canonical model rendered as NeMo's Prompt, Workspace and Project objects, and NeMo request
// bodies mapped onto the model.
import type {
  Json,
  JsonObject,
  Message,
  Project,
  Prompt,
  Version,
  VersionContent,
  Workspace,
} from '../../model/types.ts';
import { uuidToBase58 } from '../../model/ids.ts';
import { objectOf } from '../../model/json-order.ts';
import type { UpdatePromptBodyT } from './schemas.ts';

/** Naive UTC with microseconds, no offset: `2026-07-19T15:21:03.123000`. */
export const nemoTime = (d: Date) => `${d.toISOString().slice(0, -1)}000`;

export const nemoId = (kind: 'prompt' | 'workspace' | 'project', uuid: string) =>
  `${kind}-${uuidToBase58(uuid)}`;

const KNOWN_PARAMS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop'] as const;
// Marks a version whose inference_params the client sent as an object (even `{}`), so it is not
// read back as null.
const IP_MARK = 'nemo_inference_params';

function textOf(content: Json | undefined): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && !Array.isArray(p) && typeof p.text === 'string' ? p.text : '',
      )
      .join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

function inferenceParams(v: Version | undefined): JsonObject | null {
  if (!v) return null;
  const params = v.params ?? {};
  if (v.model === null && !Object.keys(params).length && v.metadata?.[IP_MARK] !== true) return null;
  const known: [string, Json][] = [
    ['model', v.model],
    ...KNOWN_PARAMS.map((k): [string, Json] => [k, params[k] ?? null]),
  ];
  const taken = new Set(known.map(([k]) => k));
  // Extra parameters after the known ones, in the order the version keeps them (json-order.ts).
  return objectOf([...known, ...Object.entries(params).filter(([k]) => !taken.has(k))]) as JsonObject;
}

/** A full Prompt object (nulls included), from a prompt row and its newest version. */
export function promptWire(p: Prompt, v: Version | undefined, workspace: string, project: string | null) {
  return {
    id: nemoId('prompt', p.id),
    name: p.name,
    workspace,
    project,
    created_at: nemoTime(p.createdAt),
    updated_at: nemoTime(p.updatedAt),
    description: p.description,
    messages: (v?.messages ?? []).map((m) => ({ role: m.role, content: textOf(m.content) })),
    input_variables: v?.inputVariables ?? [],
    tools: v?.tools ?? null,
    tool_choice: v?.toolChoice ?? null,
    response_format: v?.responseFormat ?? null,
    inference_params: inferenceParams(v),
    tags: p.tags ?? [],
  };
}
export type PromptWire = ReturnType<typeof promptWire>;

/** List items drop nulls, recursively (FastAPI's response_model_exclude_none). */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropNulls) as T;
  if (value && typeof value === 'object') {
    return objectOf(
      Object.entries(value).flatMap(([k, v]): [string, unknown][] => (v === null ? [] : [[k, dropNulls(v)]])),
    ) as T;
  }
  return value;
}

/** A NeMo body's content fields as a new committed Jinja2 version (omitted fields take defaults). */
export function versionContent(
  b: Omit<UpdatePromptBodyT, 'messages'> & { messages?: { role: unknown; content: string }[] },
): Partial<VersionContent> {
  const ip = b.inference_params ?? null;
  const params = objectOf(
    ip ? Object.entries(ip).filter(([k, val]) => k !== 'model' && val !== null) : [],
  ) as JsonObject;
  return {
    templateType: 'chat',
    templateFormat: 'jinja2',
    // pydantic ignores extra message keys, so they are not kept
    messages: (b.messages ?? []).map((m) => ({ role: String(m.role), content: m.content }) as Message),
    inputVariables: b.input_variables ?? [],
    tools: b.tools
      ? b.tools.map((t) => ({
          type: t.type,
          function: {
            name: t.function.name,
            description: t.function.description ?? null,
            parameters: (t.function.parameters ?? null) as Json,
            strict: t.function.strict ?? null,
          },
        }))
      : null,
    toolChoice: (b.tool_choice ?? null) as Json,
    responseFormat: (b.response_format ?? null) as JsonObject | null,
    model: ip?.model ?? null,
    params,
    // Only an inference_params object with nothing in it needs the mark (it would read back as
    // null); other dialects show version metadata, so it is not written otherwise.
    metadata: ip && ip.model == null && !Object.keys(params).length ? { [IP_MARK]: true } : {},
  };
}

export const workspaceWire = (w: Workspace) => ({
  id: nemoId('workspace', w.id),
  name: w.name,
  description: w.description,
  created_at: nemoTime(w.createdAt),
  updated_at: nemoTime(w.updatedAt),
});

export const projectWire = (p: Project, workspace: string) => ({
  id: nemoId('project', p.id),
  name: p.name,
  workspace,
  description: p.description,
  created_at: nemoTime(p.createdAt),
  updated_at: nemoTime(p.updatedAt),
});

/** The v2 list envelope. */
export function pageEnvelope<T>(data: T[], total: number, page: number, pageSize: number, sort: string) {
  return {
    data,
    pagination: {
      page,
      page_size: pageSize,
      current_page_size: data.length,
      total_pages: Math.ceil(total / pageSize),
      total_results: total,
    },
    sort,
  };
}
