// The UI's client of the native /v1 API: the same public API any program uses, with the user's key
// as a Bearer token. Its types come from the server's OpenAPI document (types.ts over the generated
// schema.d.ts).

import type {
  ApiKey,
  AuditEvent,
  Folders,
  Label,
  LabelMove,
  Me,
  Message,
  Page,
  Prompt,
  RenderResult,
  RenderedVersion,
  Role,
  TemplateFormat,
  Version,
  Workspace,
} from './types.ts';

export type * from './types.ts';

/** A failure as the server described it: status, code and message from its error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface VersionBody {
  template_type?: 'chat' | 'completion';
  messages?: Message[];
  content?: unknown[] | null;
  template_format?: TemplateFormat;
  model?: string | null;
  params?: Record<string, unknown>;
  variable_defaults?: Record<string, unknown>;
  tools?: unknown[] | null;
  tool_choice?: unknown;
  response_format?: Record<string, unknown> | null;
  commit_message?: string | null;
}

export interface ListQuery {
  search?: string;
  /** Names starting with this: a folder ("support/"). */
  prefix?: string;
  label?: string;
  no_label?: string;
  tags?: string;
  template_format?: TemplateFormat;
  updated_after?: string;
  status?: 'active' | 'deleted';
  sort?: 'name' | 'updated_at' | 'created_at' | 'latest_version';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

const enc = encodeURIComponent;

function qs(params: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export class Client {
  constructor(
    readonly key: string,
    /** The workspace every call is aimed at (null: the key's own). */
    readonly workspace: string | null,
    private readonly base = '',
  ) {}

  withWorkspace(ws: string | null): Client {
    return new Client(this.key, ws, this.base);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const err = (
        json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null
      )?.error;
      throw new ApiError(
        res.status,
        err?.code ?? `http_${res.status}`,
        err?.message ?? (text.slice(0, 300) || res.statusText),
        err?.details ?? {},
      );
    }
    return json as T;
  }

  private ws(extra: Record<string, string | number | undefined> = {}) {
    return qs({ workspace: this.workspace ?? undefined, ...extra });
  }

  me() {
    return this.request<Me>('GET', '/v1/me');
  }

  /** The workspace's change stream from now on (or after `lastEventId`), for live updates. */
  openEvents(signal: AbortSignal, lastEventId?: string) {
    return fetch(`${this.base}/v1/events${this.ws({ from: 'now' })}`, {
      headers: {
        authorization: `Bearer ${this.key}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
  }

  listPrompts(q: ListQuery) {
    return this.request<Page<Prompt>>('GET', `/v1/prompts${this.ws({ ...q })}`);
  }
  listFolders() {
    return this.request<Folders>('GET', `/v1/folders${this.ws()}`);
  }
  getPrompt(p: string) {
    return this.request<{ prompt: Prompt; labels: Label[] }>('GET', `/v1/prompts/${enc(p)}${this.ws()}`);
  }
  createPrompt(body: {
    name: string;
    tags?: string[];
    description?: string | null;
    is_snippet?: boolean;
    version?: VersionBody;
  }) {
    return this.request<{ prompt: Prompt; version?: Version }>('POST', `/v1/prompts${this.ws()}`, body);
  }
  deletePrompt(p: string) {
    return this.request<unknown>('DELETE', `/v1/prompts/${enc(p)}${this.ws()}`);
  }
  restorePrompt(p: string) {
    return this.request<unknown>('POST', `/v1/prompts/${enc(p)}/restore${this.ws()}`);
  }
  listVersions(p: string) {
    return this.request<Page<Version>>(
      'GET',
      `/v1/prompts/${enc(p)}/versions${this.ws({ limit: 500, order: 'desc' })}`,
    );
  }
  getVersion(p: string, n: number | 'latest') {
    return this.request<{ prompt: Prompt; version: Version }>(
      'GET',
      `/v1/prompts/${enc(p)}/versions/${n}${this.ws()}`,
    );
  }
  createVersion(p: string, body: VersionBody & { status?: 'draft' | 'committed'; base?: number }) {
    return this.request<{ version: Version }>('POST', `/v1/prompts/${enc(p)}/versions${this.ws()}`, body);
  }
  updateVersion(p: string, n: number, body: VersionBody) {
    return this.request<{ version: Version }>(
      'PATCH',
      `/v1/prompts/${enc(p)}/versions/${n}${this.ws()}`,
      body,
    );
  }
  commit(p: string, commit_message?: string) {
    return this.request<{ version: Version }>('POST', `/v1/prompts/${enc(p)}/commit${this.ws()}`, {
      ...(commit_message ? { commit_message } : {}),
    });
  }
  listLabels(p: string) {
    return this.request<Page<Label>>('GET', `/v1/prompts/${enc(p)}/labels${this.ws()}`);
  }
  labelHistory(p: string) {
    return this.request<Page<LabelMove>>(
      'GET',
      `/v1/prompts/${enc(p)}/label-history${this.ws({ limit: 500 })}`,
    );
  }
  setLabel(p: string, label: string, version: number) {
    return this.request<unknown>('PUT', `/v1/prompts/${enc(p)}/labels/${enc(label)}${this.ws()}`, {
      version,
    });
  }
  deleteLabel(p: string, label: string) {
    return this.request<unknown>('DELETE', `/v1/prompts/${enc(p)}/labels/${enc(label)}${this.ws()}`);
  }
  renderVersion(p: string, version: number, variables: Record<string, unknown>) {
    return this.request<RenderedVersion>('POST', `/v1/prompts/${enc(p)}/render${this.ws()}`, {
      version,
      variables,
      mode: 'lenient',
    });
  }
  renderStateless(
    format: TemplateFormat,
    src: { messages: Message[] } | { template: string },
    variables: Record<string, unknown>,
  ) {
    return this.request<RenderResult>('POST', '/v1/render', { format, ...src, variables, mode: 'lenient' });
  }
  listKeys() {
    return this.request<Page<ApiKey>>('GET', '/v1/keys?limit=500&include_revoked=true');
  }
  createKey(body: { name: string; role: Role; workspace?: string | null }) {
    return this.request<{ key: ApiKey; secret: string }>('POST', '/v1/keys', body);
  }
  revokeKey(id: string) {
    return this.request<unknown>('DELETE', `/v1/keys/${enc(id)}`);
  }
  listWorkspaces() {
    return this.request<Page<Workspace>>('GET', '/v1/workspaces?limit=500');
  }
  createWorkspace(name: string) {
    return this.request<unknown>('POST', '/v1/workspaces', { name });
  }
  listAudit(q: { action?: string; entity_id?: string; limit?: number; offset?: number }) {
    return this.request<Page<AuditEvent>>('GET', `/v1/audit${this.ws({ ...q })}`);
  }
}
