// The request log's native API (docs/api.md "Request log"), through the shared Client's typed
// fetch (openapi-fetch over the generated paths).
import type { Client } from './client.ts';
import type { operations } from './schema';
import type { Json200, Narrow } from './types.ts';

// Derived from the generated OpenAPI types (types.ts); only the status is narrowed.
export type RequestLogSummary = Narrow<
  Json200<'listRequestLogs'>['data'][number],
  { status: 'success' | 'warning' | 'error' }
>;
export type RequestLogFull = Narrow<Json200<'getRequestLog'>, { status: RequestLogSummary['status'] }>;
export type PromptUsage = Json200<'promptUsage'>;
export type RequestGroup = Json200<'getRequestGroup'>;
export type RequestGroupPage = Json200<'listRequestGroups'>;
export type VersionUsage = PromptUsage['versions'][number];

type LogQuery = NonNullable<operations['listRequestLogs']['parameters']['query']>;
type UsageQuery = NonNullable<operations['promptUsage']['parameters']['query']>;
type LogStatus = NonNullable<LogQuery['status']>;
type LogSource = NonNullable<LogQuery['source']>;

/** The choices the filter form offers: the API's own values. */
export const STATUSES: readonly LogStatus[] = ['success', 'warning', 'error'];
export const SOURCES: readonly LogSource[] = [
  'pl.track',
  'pl.log',
  'pl.span',
  'ka.gateway',
  'ka.log',
  'native',
];

/** `v` when it is one of `list` (a select's or a URL's text), else undefined. */
export function oneOf<T extends string>(list: readonly T[], v: string | null | undefined): T | undefined {
  return list.find((x) => x === v);
}

/** The filters as the form holds them: text as typed, the choices as the API's values. */
export interface LogFilters {
  prompt?: string;
  /** The version number as typed (sent as a number). */
  version?: string;
  status?: LogStatus;
  source?: LogSource;
  model?: string;
  customer?: string;
  /** The request group's id as typed (sent as a number). */
  group?: string;
  since?: string;
  until?: string;
}

export const listRequestLogs = (client: Client, f: LogFilters, cursor?: string, limit = 50) => {
  const { version, group, ...rest } = f;
  const query: LogQuery = { ...client.wq, ...rest, limit };
  if (version) query.version = Number(version);
  if (group) query.group = Number(group);
  if (cursor) query.cursor = cursor;
  return client.call<Narrow<Json200<'listRequestLogs'>, { data: RequestLogSummary[] }>>(
    client.api.GET('/v1/request-logs', { params: { query } }),
  );
};

export const getRequestLog = (client: Client, id: string) =>
  client.call<RequestLogFull>(
    client.api.GET('/v1/request-logs/{id}', { params: { path: { id }, query: client.wq } }),
  );

export const promptUsage = (client: Client, prompt: string, q: Omit<UsageQuery, 'workspace'>) =>
  client.call<PromptUsage>(
    client.api.GET('/v1/prompts/{prompt}/usage', {
      params: { path: { prompt }, query: { ...client.wq, ...q } },
    }),
  );

export const listRequestGroups = (client: Client, cursor?: string) =>
  client.call<RequestGroupPage>(
    client.api.GET('/v1/request-groups', {
      params: { query: { ...client.wq, limit: 50, ...(cursor ? { cursor } : {}) } },
    }),
  );

export const getRequestGroup = (client: Client, id: number) =>
  client.call<RequestGroup>(
    client.api.GET('/v1/request-groups/{id}', { params: { path: { id }, query: client.wq } }),
  );
