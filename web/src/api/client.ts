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
import createClient, { type Client as Fetcher } from 'openapi-fetch';
import type { paths } from './schema';

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

  private ws(extra: Record<string, string | number | undefined> = {}) {
    return qs({ workspace: this.workspace ?? undefined, ...extra });
  }

  /**
   * The typed fetch client over the generated paths (openapi-fetch), with the key: every call of
   * the UI goes through it (with `call`), so a path, parameter or body the server does not declare
   * is a type error.
   */
  get api(): Fetcher<paths> {
    return (this.fetcher ??= createClient<paths>({
      baseUrl: this.base || undefined,
      headers: { authorization: `Bearer ${this.key}` },
    }));
  }
  private fetcher: Fetcher<paths> | undefined;

  /** `?workspace=` for the calls aimed at a workspace (absent: the key's own). */
  get wq(): { workspace?: string } {
    return this.workspace ? { workspace: this.workspace } : {};
  }

  /**
   * An openapi-fetch answer as its data, typed as the generated response (a 2xx body), or the
   * server's error envelope as an ApiError.
   */
  async send<D>(sent: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
    let r: Awaited<typeof sent>;
    try {
      r = await sent;
    } catch (e) {
      throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
    }
    if (!r.response.ok) {
      const body = r.error as
        | { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
        | string
        | undefined;
      const err = typeof body === 'object' ? body?.error : undefined;
      throw new ApiError(
        r.response.status,
        err?.code ?? `http_${r.response.status}`,
        err?.message ?? ((typeof body === 'string' && body.slice(0, 300)) || r.response.statusText),
        err?.details ?? {},
      );
    }
    return r.data as D;
  }

  /** The same, with `T` the UI's narrowing of the generated response type (types.ts). */
  async call<T>(sent: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
    return ((await this.send(sent)) ?? null) as T;
  }

  me() {
    return this.call<Me>(this.api.GET('/v1/me'));
  }

  /** The workspace's change stream from now on (or after `lastEventId`), for live updates. */
  openEvents(signal: AbortSignal, lastEventId?: string) {
    // A stream, not a JSON answer: plain fetch (the path is the generated one's).
    const path: keyof paths = '/v1/events';
    return fetch(`${this.base}${path}${this.ws({ from: 'now' })}`, {
      headers: {
        authorization: `Bearer ${this.key}`,
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      signal,
    });
  }

  listPrompts(q: ListQuery) {
    return this.call<Page<Prompt>>(
      this.api.GET('/v1/prompts', {
        // The filter's tags are one comma-separated string, which the server splits.
        params: { query: { ...this.wq, ...q, tags: q.tags ? [q.tags] : undefined } },
      }),
    );
  }
  listFolders() {
    return this.call<Folders>(this.api.GET('/v1/folders', { params: { query: this.wq } }));
  }
  getPrompt(p: string, opts: { includeDeleted?: boolean } = {}) {
    return this.call<{ prompt: Prompt; labels: Label[] }>(
      this.api.GET('/v1/prompts/{prompt}', {
        params: {
          path: { prompt: p },
          query: { ...this.wq, ...(opts.includeDeleted ? { include_deleted: true } : {}) },
        },
      }),
    );
  }
  createPrompt(body: {
    name: string;
    tags?: string[];
    description?: string | null;
    is_snippet?: boolean;
    version?: VersionBody;
  }) {
    return this.call<{ prompt: Prompt; version?: Version }>(
      this.api.POST('/v1/prompts', { params: { query: this.wq }, body }),
    );
  }
  deletePrompt(p: string) {
    return this.call<unknown>(
      this.api.DELETE('/v1/prompts/{prompt}', { params: { path: { prompt: p }, query: this.wq } }),
    );
  }
  restorePrompt(p: string) {
    return this.call<unknown>(
      this.api.POST('/v1/prompts/{prompt}/restore', { params: { path: { prompt: p }, query: this.wq } }),
    );
  }
  listVersions(p: string) {
    return this.call<Page<Version>>(
      this.api.GET('/v1/prompts/{prompt}/versions', {
        params: { path: { prompt: p }, query: { ...this.wq, limit: 500, order: 'desc' } },
      }),
    );
  }
  getVersion(p: string, n: number | 'latest') {
    return this.call<{ prompt: Prompt; version: Version }>(
      this.api.GET('/v1/prompts/{prompt}/versions/{version}', {
        params: { path: { prompt: p, version: n }, query: this.wq },
      }),
    );
  }
  createVersion(p: string, body: VersionBody & { status?: 'draft' | 'committed'; base?: number }) {
    return this.call<{ version: Version }>(
      this.api.POST('/v1/prompts/{prompt}/versions', {
        params: { path: { prompt: p }, query: this.wq },
        body,
      }),
    );
  }
  updateVersion(p: string, n: number, body: VersionBody) {
    return this.call<{ version: Version }>(
      this.api.PATCH('/v1/prompts/{prompt}/versions/{version}', {
        params: { path: { prompt: p, version: n }, query: this.wq },
        body,
      }),
    );
  }
  commit(p: string, commit_message?: string) {
    return this.call<{ version: Version }>(
      this.api.POST('/v1/prompts/{prompt}/commit', {
        params: { path: { prompt: p }, query: this.wq },
        body: commit_message ? { commit_message } : {},
      }),
    );
  }
  listLabels(p: string) {
    return this.call<Page<Label>>(
      this.api.GET('/v1/prompts/{prompt}/labels', { params: { path: { prompt: p }, query: this.wq } }),
    );
  }
  labelHistory(p: string) {
    return this.call<Page<LabelMove>>(
      this.api.GET('/v1/prompts/{prompt}/label-history', {
        params: { path: { prompt: p }, query: { ...this.wq, limit: 500 } },
      }),
    );
  }
  setLabel(p: string, label: string, version: number) {
    return this.call<unknown>(
      this.api.PUT('/v1/prompts/{prompt}/labels/{label}', {
        params: { path: { prompt: p, label }, query: this.wq },
        body: { version },
      }),
    );
  }
  deleteLabel(p: string, label: string) {
    return this.call<unknown>(
      this.api.DELETE('/v1/prompts/{prompt}/labels/{label}', {
        params: { path: { prompt: p, label }, query: this.wq },
      }),
    );
  }
  renderVersion(p: string, version: number, variables: Record<string, unknown>) {
    return this.call<RenderedVersion>(
      this.api.POST('/v1/prompts/{prompt}/render', {
        params: { path: { prompt: p }, query: this.wq },
        body: { version, variables, mode: 'lenient' },
      }),
    );
  }
  renderStateless(
    format: TemplateFormat,
    src: { messages: Message[] } | { template: string },
    variables: Record<string, unknown>,
  ) {
    return this.call<RenderResult>(
      this.api.POST('/v1/render', { body: { format, ...src, variables, mode: 'lenient' } }),
    );
  }
  listKeys() {
    return this.call<Page<ApiKey>>(
      this.api.GET('/v1/keys', { params: { query: { limit: 500, include_revoked: true } } }),
    );
  }
  createKey(body: { name: string; role: Role; workspace?: string | null }) {
    return this.call<{ key: ApiKey; secret: string }>(this.api.POST('/v1/keys', { body }));
  }
  revokeKey(id: string) {
    return this.call<unknown>(this.api.DELETE('/v1/keys/{id}', { params: { path: { id } } }));
  }
  listWorkspaces() {
    return this.call<Page<Workspace>>(this.api.GET('/v1/workspaces', { params: { query: { limit: 500 } } }));
  }
  createWorkspace(name: string) {
    return this.call<unknown>(this.api.POST('/v1/workspaces', { body: { name } }));
  }
  listAudit(q: { action?: string; entity_id?: string; limit?: number; offset?: number }) {
    return this.call<Page<AuditEvent>>(
      this.api.GET('/v1/audit', { params: { query: { ...this.wq, ...q } } }),
    );
  }
}
