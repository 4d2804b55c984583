// The request log's native API (docs/api.md "Request log"), through the shared Client.
import type { Client } from './client.ts';
import type { Json200, Narrow } from './types.ts';

// Derived from the generated OpenAPI types (types.ts); only the status is narrowed.
export type RequestLogSummary = Narrow<
  Json200<'listRequestLogs'>['data'][number],
  { status: 'success' | 'warning' | 'error' }
>;
export type RequestLogFull = Narrow<Json200<'getRequestLog'>, { status: RequestLogSummary['status'] }>;
export type PromptUsage = Json200<'promptUsage'>;
export type VersionUsage = PromptUsage['versions'][number];

export interface LogFilters {
  prompt?: string;
  version?: string;
  status?: string;
  source?: string;
  model?: string;
  customer?: string;
  since?: string;
  until?: string;
}

const enc = encodeURIComponent;

function query(client: Client, params: Record<string, string | undefined>): string {
  const u = new URLSearchParams();
  if (client.workspace) u.set('workspace', client.workspace);
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}

export const listRequestLogs = (client: Client, f: LogFilters, cursor?: string) =>
  client.request<Narrow<Json200<'listRequestLogs'>, { data: RequestLogSummary[] }>>(
    'GET',
    `/v1/request-logs${query(client, { ...f, cursor, limit: '50' })}`,
  );

export const getRequestLog = (client: Client, id: string) =>
  client.request<RequestLogFull>('GET', `/v1/request-logs/${enc(id)}${query(client, {})}`);

export const promptUsage = (
  client: Client,
  prompt: string,
  q: { since?: string; label?: string; bucket?: string },
) => client.request<PromptUsage>('GET', `/v1/prompts/${enc(prompt)}/usage${query(client, q)}`);
