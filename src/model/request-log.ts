// The request log: one record per run or logged request, whichever API it came through
// (specs/runtime.md §4). This module holds the shape every writer fills; the store, the batching
// writer and the reads live in registry/ and delivery/.

import type { Json, JsonObject } from './types.ts';

/** Which surface wrote the record. */
export type RequestLogSource = 'pl.track' | 'pl.log' | 'pl.span' | 'ka.gateway' | 'ka.log' | 'native';

export type RequestLogStatus = 'success' | 'warning' | 'error';

export interface RequestScore {
  name: string;
  value: number;
  source?: string;
}

/** One attempt against one upstream target (gateway runs; §3.3). */
export interface RequestAttempt {
  provider: string | null;
  model: string;
  statusCode: number | null;
  errorType: string | null;
  latencyMs: number;
}

/**
 * What a writer hands to the log. Every field but `source` is optional: a PromptLayer
 * `/log-request` carries little, a gateway run nearly everything. Bodies must already be redacted
 * of credentials by the writer's mapping (provider keys never reach this record).
 */
export interface RequestLogInput {
  source: RequestLogSource;
  promptId?: string | null;
  versionId?: string | null;
  versionNumber?: number | null;
  label?: string | null;
  externalPromptId?: string | null;
  provider?: string | null;
  model?: string | null;
  responseModel?: string | null;
  apiType?: string | null;
  functionName?: string | null;
  inputVariables?: JsonObject | null;
  request?: Json;
  response?: Json;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cacheReadTokens?: number | null;
  cacheWriteTokens?: number | null;
  startTime?: Date | null;
  endTime?: Date | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
  costUsd?: number | null;
  status?: RequestLogStatus;
  statusCode?: number | null;
  errorType?: string | null;
  errorMessage?: string | null;
  tags?: string[];
  metadata?: JsonObject;
  customerIdentifier?: string | null;
  customerName?: string | null;
  customerEmail?: string | null;
  /** A request group of the workspace (`/create-group`); an unknown one is left out. */
  groupId?: number | null;
  groupIdentifier?: string | null;
  threadIdentifier?: string | null;
  customIdentifier?: string | null;
  traceId?: string | null;
  spanId?: string | null;
  parentSpanId?: string | null;
  spanName?: string | null;
  scores?: RequestScore[];
  stream?: boolean;
  attempts?: RequestAttempt[];
  /** Keywords AI `log_type` (`chat`, `completion`, `embedding`, …), as sent. */
  logType?: string | null;
  /**
   * Keep the metrics, not the bodies (request, response, variables) — Keywords AI `disable_log`.
   * A workspace can also turn bodies off for every record (request-log settings).
   */
  omitBodies?: boolean;
}

/** The ids a writer can answer with at once, before the record is flushed. */
export interface RequestLogReceipt {
  /** PromptLayer's integer `request_id`, as a decimal string (bigint). */
  id: string;
  /** Keywords AI's 32-hex `unique_id`. */
  uniqueId: string;
  /** When the record was taken (its `created_at`; Keywords AI's `timestamp`). */
  createdAt: Date;
  /** The workspace it was logged in (Keywords AI's `organization_id`). */
  workspaceId: string;
  /** The cost recorded: the caller's, else the price table's, else null (unknown). */
  costUsd: number | null;
}

/** Later additions to a logged request (PromptLayer track-metadata / -score / -prompt / -group). */
export interface RequestLogEnrichment {
  metadata?: JsonObject;
  scores?: RequestScore[];
  promptId?: string | null;
  versionId?: string | null;
  versionNumber?: number | null;
  label?: string | null;
  inputVariables?: JsonObject | null;
  /** A request group of the workspace; an unknown one is a not-found. */
  groupId?: number | null;
}
