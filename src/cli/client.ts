// The CLI's HTTP client for a Lectern server's native API (/v1): URL + key from the flags or
// LECTERN_URL / LECTERN_API_KEY, never the server's database. Every failure becomes a CliError with
// one of the documented exit codes and a message that says what to do.
import type { Readable } from 'node:stream';
import { CLIENT_HEADER } from '../dialects/common/write-api.ts';

/** Documented in docs/cli.md; scripts rely on these. */
export const EXIT = {
  ok: 0,
  error: 1, // anything unexpected (a bug or a server error): the message says what happened
  usage: 2, // bad arguments or configuration (missing --url / --key, unknown option)
  invalid: 3, // `check` (or a push/import) found invalid files or records
  conflict: 4, // the server moved past the lock file (drift), or a precondition failed
  auth: 5, // the key was refused (401) or lacks the role (403)
  unreachable: 6, // no server answered at the URL
  changes: 10, // `plan --exit-code`: there are changes to push
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface ServerOptions {
  url?: string;
  key?: string;
  workspace?: string;
}

export interface Answer<T> {
  status: number;
  body: T;
  etag: string | null;
}

export class Client {
  readonly url: string;
  private readonly key: string;
  readonly workspace: string | undefined;

  constructor(o: ServerOptions) {
    const url = o.url ?? process.env.LECTERN_URL;
    const key = o.key ?? process.env.LECTERN_API_KEY;
    if (!url)
      throw new CliError(
        'no server URL: pass --url https://lectern.example.com or set LECTERN_URL',
        EXIT.usage,
      );
    if (!key) throw new CliError('no API key: pass --key lec_… or set LECTERN_API_KEY', EXIT.usage);
    this.url = url.replace(/\/+$/, '');
    this.key = key;
    this.workspace = o.workspace ?? process.env.LECTERN_WORKSPACE ?? undefined;
  }

  /** `/v1/prompts/<name>`: names carry `/`, so each path segment is encoded whole. */
  static seg(s: string | number): string {
    return encodeURIComponent(String(s));
  }

  withWorkspace(path: string): string {
    if (!this.workspace) return path;
    return `${path}${path.includes('?') ? '&' : '?'}workspace=${encodeURIComponent(this.workspace)}`;
  }

  private async raw(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers = this.headers(init.headers);
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    try {
      // Node's fetch keeps connections alive: a push or an import makes thousands of calls in a row.
      return await fetch(`${this.url}${this.withWorkspace(path)}`, {
        method,
        headers,
        body,
      });
    } catch (e) {
      throw this.unreachable(e);
    }
  }

  /**
   * A call whose request or response body is a stream (import, export), through undici's `request`
   * rather than fetch: fetch reads a streamed body ahead of a slower reader into memory — the whole
   * upload, and for a download as much as the server sends while the disk writes (measured: ~100 MB
   * held for a 180 MB export) — where `request` moves bytes only as fast as the other side takes them.
   */
  async stream(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: Readable; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; ok: boolean; body: Readable; json(): Promise<unknown> }> {
    // Loaded here: only export and import stream, and undici would cost every other command's start-up.
    const { request } = await import('undici');
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.url}${this.withWorkspace(path)}`, {
        method,
        headers: this.headers(init.headers),
        body: init.body,
      });
    } catch (e) {
      throw this.unreachable(e);
    }
    const body = res.body;
    return {
      status: res.statusCode,
      ok: res.statusCode >= 200 && res.statusCode < 300,
      body,
      json: async () => parseBody(await body.text()),
    };
  }

  private headers(extra?: Record<string, string>): Record<string, string> {
    // The client header lets the server record a version the CLI wrote as `cli`, not `native`.
    return { authorization: `Bearer ${this.key}`, [CLIENT_HEADER]: 'cli', ...extra };
  }

  private unreachable(e: unknown): CliError {
    const why = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
    return new CliError(
      `cannot reach the Lectern server at ${this.url} (${why}): check --url / LECTERN_URL and that the server runs`,
      EXIT.unreachable,
    );
  }

  /** A JSON call; `ok` lists statuses that are answers rather than errors (e.g. 404 on a lookup). */
  async call<T = any>(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; ok?: number[] } = {},
  ): Promise<Answer<T>> {
    const res = await this.raw(method, path, init);
    const body = parseBody(await res.text());
    const answer = { status: res.status, body: body as T, etag: res.headers.get('etag') };
    if (res.ok || init.ok?.includes(res.status)) return answer;
    throw await this.refusal(method, path, res.status, body);
  }

  /**
   * The error of a failed call. A key bound to one workspace meets every other workspace as absent
   * (404, never 403: docs/api.md), which would read as "not found" (exit 1); when the call named
   * another workspace, GET /v1/me tells that the key's scope refused it, and the error says so
   * (exit 5) with the key that would do.
   */
  async refusal(method: string, path: string, status: number, body: unknown): Promise<CliError> {
    const err = errorOf(method, path, status, body);
    if (status !== 404 || !this.workspace) return err;
    const scope = await this.scope();
    if (!scope || scope.all_workspaces || scope.workspace === this.workspace) return err;
    return new CliError(
      `this API key belongs to workspace ${scope.workspace ?? '?'} and sees no other (${method} ${path} ` +
        `in workspace ${this.workspace}): use a key of workspace ${this.workspace}, or an admin key for all workspaces`,
      EXIT.auth,
      err.details,
    );
  }

  /** Who the key is (GET /v1/me), or null when the server does not say (an older server, a proxy). */
  async scope(): Promise<{ role: string; workspace: string | null; all_workspaces: boolean } | null> {
    try {
      const res = await fetch(`${this.url}/v1/me`, { headers: this.headers() });
      return res.ok
        ? ((await res.json()) as { role: string; workspace: string | null; all_workspaces: boolean })
        : null;
    } catch {
      return null;
    }
  }

  /** Every item of a native list endpoint, page by page. */
  async *list<T>(path: string, pageSize = 500): AsyncGenerator<T> {
    for (let offset = 0; ; offset += pageSize) {
      const sep = path.includes('?') ? '&' : '?';
      const { body } = await this.call<{ data: T[] }>(
        'GET',
        `${path}${sep}limit=${pageSize}&offset=${offset}`,
      );
      yield* body.data;
      if (body.data.length < pageSize) return;
    }
  }
}

/**
 * The exit code of a refusal with this HTTP status (or the status of the error kind a local
 * command met), so one failure exits alike whichever way the command reached the store.
 */
export function exitOfStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 400 || status === 422) return EXIT.invalid;
  return EXIT.error;
}

/** A reply body: its JSON, or the text itself when it is not JSON (a proxy's HTML page), null if empty. */
function parseBody(text: string): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

export function errorOf(method: string, path: string, status: number, body: any): CliError {
  const err = body && typeof body === 'object' && body.error ? body.error : null;
  const what = err ? `${err.code}: ${err.message}` : `HTTP ${status}`;
  const exit = exitOfStatus(status);
  if (status === 401)
    return new CliError(`the server refused the API key (${what}): check --key / LECTERN_API_KEY`, exit, err);
  if (status === 403)
    return new CliError(`the API key may not do this (${what}): use an editor or admin key`, exit, err);
  if (status === 409 || status === 412)
    return new CliError(`${method} ${path} conflicts with the server's state (${what})`, exit, err);
  if (status === 400 || status === 422)
    return new CliError(`the server refused ${method} ${path} (${what})`, exit, err);
  return new CliError(`${method} ${path} failed (${what})`, exit, err);
}
