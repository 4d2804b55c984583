// The request log's native API (docs/api.md "Request log"), through the shared Client.
import type { Client } from './client.ts';

export interface RequestLogSummary {
  id: string;
  unique_id: string;
  source: string;
  prompt_id: string | null;
  version_number: number | null;
  label: string | null;
  provider: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
  status: 'success' | 'warning' | 'error';
  status_code: number | null;
  error_message: string | null;
  customer_identifier: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  scores: { name: string; value: number }[];
  bodies_omitted: boolean;
  created_at: string;
}

export interface RequestLogFull extends RequestLogSummary {
  input_variables: unknown;
  request: unknown;
  response: unknown;
}

export interface VersionUsage {
  version: number | null;
  count: number;
  errors: number;
  error_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  scores: Record<string, number>;
  first_at: string | null;
  last_at: string | null;
}

export interface PromptUsage {
  prompt_id: string;
  since: string;
  until: string;
  label: { name: string; versions: number[] } | null;
  versions: VersionUsage[];
  buckets:
    | {
        start: string;
        version: number | null;
        count: number;
        errors: number;
        latency_p50_ms: number | null;
      }[]
    | null;
}

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
  client.request<{ data: RequestLogSummary[]; next_cursor: string | null }>(
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
