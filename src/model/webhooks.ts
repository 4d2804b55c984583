// Webhook rules with no I/O: event types, the payloads each endpoint mode sends, what an answer
// from a receiver means for the delivery, and the retry schedule. See docs/webhooks.md.
import { createHmac } from 'node:crypto';
import type { JsonObject } from './types.ts';

/** Every event type the outbox records (the triggers in drizzle/0006_webhooks.sql name them). */
export const EVENT_TYPES = [
  'prompt.created',
  'prompt.updated',
  'prompt.renamed',
  'prompt.deleted',
  'prompt.restored',
  'prompt.version.created',
  'prompt.version.committed',
  'prompt.version.deleted',
  'prompt.draft.updated',
  'prompt.label.moved',
  'prompt.label.deleted',
  'snippet.version.created',
  'prompt.dependency.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ENDPOINT_MODES = ['standard', 'langfuse', 'promptlayer'] as const;
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

/** An outbox event as the delivery worker and the change stream read it. */
export interface OutboxEvent {
  id: number;
  pos: number | null;
  workspaceId: string | null;
  type: string;
  promptId: string | null;
  promptName: string | null;
  data: JsonObject;
  actor: string | null;
  at: Date;
}

/** Standard Webhooks' recommended envelope: `{type, timestamp, data}` with a thin `data`. */
export function standardPayload(e: OutboxEvent): JsonObject {
  return {
    type: e.type,
    timestamp: e.at.toISOString(),
    data: {
      workspace_id: e.workspaceId,
      prompt: e.promptName,
      prompt_id: e.promptId,
      actor: e.actor,
      ...e.data,
    },
  };
}

/** The webhook-id of a delivery: stable across retries and replays (the receiver's idempotency key). */
export function webhookId(eventId: number, part: number): string {
  return part === 0 ? `msg_${eventId}` : `msg_${eventId}_${part}`;
}

/**
 * How many deliveries one event makes for an endpoint. Langfuse sends a label move as two events,
 * one for the version gaining the label and one for the version losing it; its mode does the same.
 */
export function partsFor(mode: EndpointMode, e: Pick<OutboxEvent, 'type' | 'data'>): number {
  if (mode === 'langfuse' && e.type === 'prompt.label.moved' && e.data.from_version != null) return 2;
  return 1;
}

/** The version row the Langfuse payload shows (read at delivery time). */
export interface VersionForPayload {
  id: string;
  number: number;
  promptId: string;
  projectId: string | null;
  templateType: 'chat' | 'completion';
  messages: unknown;
  content: unknown;
  model: string | null;
  params: JsonObject;
  commitMessage: string | null;
  author: string | null;
  tags: string[];
  labels: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Langfuse's action for an event; null when Langfuse has no such event (it is not sent). */
export function langfuseAction(type: string): 'created' | 'updated' | 'deleted' | null {
  switch (type) {
    case 'prompt.version.created':
    case 'snippet.version.created':
      return 'created';
    case 'prompt.label.moved':
    case 'prompt.label.deleted':
    case 'prompt.version.committed':
    case 'prompt.draft.updated':
    case 'prompt.dependency.updated':
    case 'prompt.renamed':
      return 'updated';
    case 'prompt.deleted':
    case 'prompt.version.deleted':
      return 'deleted';
    default:
      return null;
  }
}

/** Which version number a Langfuse event is about (part 1 of a move: the version losing it). */
export function langfuseVersionOf(e: Pick<OutboxEvent, 'type' | 'data'>, part: number): number | null {
  const d = e.data;
  const n = (v: unknown) => (typeof v === 'number' ? v : null);
  if (e.type === 'prompt.label.moved') return part === 1 ? n(d.from_version) : n(d.to_version);
  if (e.type === 'prompt.label.deleted') return n(d.from_version);
  if (e.type === 'prompt.dependency.updated') return null;
  return n(d.version);
}

/** Langfuse's `prompt-version` webhook body (packages/shared/src/domain/webhooks.ts). */
export function langfusePayload(
  e: OutboxEvent,
  id: string,
  action: 'created' | 'updated' | 'deleted',
  v: VersionForPayload | null,
): JsonObject {
  const chat = v?.templateType !== 'completion';
  const text = v ? (chat ? v.messages : ((v.content as unknown[] | null)?.join?.('') ?? v.content)) : null;
  return {
    id,
    timestamp: e.at.toISOString(),
    type: 'prompt-version',
    apiVersion: 'v1',
    action,
    prompt: {
      id: v?.id ?? e.promptId,
      name: e.promptName,
      version: v?.number ?? null,
      projectId: e.workspaceId,
      createdBy: v?.author ?? e.actor,
      labels: v?.labels ?? [],
      prompt: text as JsonObject[keyof JsonObject],
      type: chat ? 'chat' : 'text',
      config: { ...(v?.params ?? {}), ...(v?.model ? { model: v.model } : {}) },
      commitMessage: v?.commitMessage ?? null,
      tags: v?.tags ?? [],
      createdAt: (v?.createdAt ?? e.at).toISOString(),
      updatedAt: (v?.updatedAt ?? e.at).toISOString(),
    },
  };
}

const PROMPTLAYER_TYPES: Record<string, string> = {
  'prompt.version.created': 'prompt_template_version_created',
  'snippet.version.created': 'prompt_template_version_created',
  'prompt.renamed': 'prompt_template_name_changed',
  'prompt.deleted': 'prompt_template_deleted',
  'prompt.dependency.updated': 'prompt_template_updated',
  'prompt.created': 'prompt_template_created',
};

/** PromptLayer's event_type for an event; null when it has none (not sent). */
export function promptlayerEventType(e: Pick<OutboxEvent, 'type' | 'data'>): string | null {
  if (e.type === 'prompt.label.moved') {
    return e.data.from_version == null ? 'prompt_template_label_created' : 'prompt_template_label_moved';
  }
  if (e.type === 'prompt.label.deleted') return 'prompt_template_label_deleted';
  return PROMPTLAYER_TYPES[e.type] ?? null;
}

/** PromptLayer's envelope: `{event_type, details, user_id, workspace_id, timestamp}`. */
export function promptlayerPayload(e: OutboxEvent, eventType: string): JsonObject {
  const d = e.data;
  const details: JsonObject = {
    prompt_template_id: e.promptId,
    prompt_template_name: e.promptName,
    ...(typeof d.version === 'number' ? { prompt_template_version_number: d.version } : {}),
    ...(typeof d.label === 'string' ? { release_label: d.label } : {}),
    ...(e.type === 'prompt.label.moved' && d.from_version != null
      ? {
          old_prompt_template_version_number: d.from_version,
          prompt_template_version_number: d.to_version,
        }
      : {}),
    ...(e.type === 'prompt.label.moved' && d.from_version == null
      ? { prompt_template_version_number: d.to_version }
      : {}),
    ...(e.type === 'prompt.renamed' ? { old_name: d.from, new_name: d.to } : {}),
    ...(e.type === 'prompt.dependency.updated' ? { snippet: d.snippet } : {}),
  };
  return {
    event_type: eventType,
    details,
    user_id: e.actor,
    user_name: null,
    user_email: null,
    workspace_id: e.workspaceId,
    timestamp: e.at.toISOString(),
  };
}

/** JSON with object keys sorted at every level, like Python's `json.dumps(payload, sort_keys=True)`. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  // Python's separators are ", " and ": "; receivers re-serialise what they parsed, so match them.
  return pyDumps(sort(value));
}

function pyDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${pyString(k)}: ${pyDumps(x)}`)
      .join(', ')}}`;
  }
  if (typeof v === 'string') return pyString(v);
  return JSON.stringify(v);
}

/** Python's default `ensure_ascii=True` string encoding. */
function pyString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export const hmacHex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');

/** Decoded `whsec_` keys: one decode per secret, not per delivery (a handful of endpoints). */
const standardKeys = new Map<string, Buffer>();

/**
 * The Standard Webhooks signature, `v1,<base64 HMAC-SHA256(key, "<id>.<ts>.<body>")>` with the key
 * the base64 after `whsec_` — what the reference library's `Webhook#sign` computes (a property test
 * holds them equal), on node:crypto rather than its pure-JS SHA-256, which cost a delivery ~15 µs.
 */
export function standardSignature(secret: string, id: string, unixSeconds: number, body: string): string {
  let key = standardKeys.get(secret);
  if (!key) {
    if (standardKeys.size >= 1024) standardKeys.clear();
    key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    standardKeys.set(secret, key);
  }
  return `v1,${createHmac('sha256', key).update(`${id}.${unixSeconds}.${body}`).digest('base64')}`;
}

/** What an attempt's outcome means for the delivery and its endpoint. */
export type Verdict =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver asks never to be called again; the endpoint is disabled. */
  | { kind: 'gone' }
  | { kind: 'retry'; afterMs: number }
  /** The schedule is used up: the delivery failed for good and the endpoint is disabled. */
  | { kind: 'exhausted' };

export interface AttemptOutcome {
  /** HTTP status, or null when no answer came (refused, timeout, guard). */
  status: number | null;
  /** The receiver's Retry-After, in seconds, when it sent one. */
  retryAfterS?: number | null;
}

/** The longest wait a Retry-After may ask for (a day). */
const MAX_RETRY_AFTER_S = 86_400;

/**
 * Any 2xx delivers; 410 disables; anything else (3xx included: redirects are not followed) is
 * retried per `schedule` (seconds after attempt n, for n = 1…), or after the receiver's Retry-After
 * when it asks for longer. `attempts` counts the one just made. Jitter (0–10 %) spreads retries.
 */
export function verdictOf(
  o: AttemptOutcome,
  attempts: number,
  schedule: readonly number[],
  jitter = Math.random(),
): Verdict {
  if (o.status !== null && o.status >= 200 && o.status < 300) return { kind: 'delivered' };
  if (o.status === 410) return { kind: 'gone' };
  const delay = schedule[attempts - 1];
  if (delay === undefined) return { kind: 'exhausted' };
  const asked = o.retryAfterS != null ? Math.min(Math.max(o.retryAfterS, 0), MAX_RETRY_AFTER_S) : 0;
  const ms = Math.max(delay * 1000 * (1 + 0.1 * jitter), asked * 1000);
  return { kind: 'retry', afterMs: Math.round(ms) };
}

/** Retry-After as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(raw: string | null | undefined, now = Date.now()): number | null {
  if (!raw) return null;
  const t = raw.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The default retry schedule: Standard Webhooks' example (immediately, then 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — about three days in all).
 */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

/** LECTERN_WEBHOOK_RETRY_SCHEDULE: comma-separated non-negative seconds. */
export function parseRetrySchedule(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_RETRY_SCHEDULE];
  const parts = raw.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p)) || out.some((n) => !Number.isFinite(n))) {
    throw new Error(`LECTERN_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got ${raw}`);
  }
  return out;
}

/** Whether an endpoint's filters let an event through (null: everything). */
export function endpointWants(
  ep: { events: readonly string[] | null; prompts: readonly string[] | null },
  e: Pick<OutboxEvent, 'type' | 'promptName'>,
): boolean {
  if (ep.events && !ep.events.includes(e.type)) return false;
  if (ep.prompts && (e.promptName === null || !ep.prompts.includes(e.promptName))) return false;
  return true;
}
