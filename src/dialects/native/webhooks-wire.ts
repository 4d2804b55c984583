// Webhook endpoints and deliveries on the wire (snake_case), with their schemas: shared by the
// /v1/webhooks routes. A secret is never part of an endpoint: only create and rotate answer it, once.
import { Type, type Static } from '@sinclair/typebox';
import type { DeliveryView, WebhookEndpoint } from '../../registry/index.ts';
import { ENDPOINT_MODES, EVENT_TYPES } from '../../model/webhooks.ts';
import { Nullable, Pagination } from './schemas.ts';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export const EventType = Type.Union(
  EVENT_TYPES.map((t) => Type.Literal(t)),
  { description: 'an event type (docs/webhooks.md)' },
);
export const Mode = Type.Union(
  ENDPOINT_MODES.map((m) => Type.Literal(m)),
  {
    description:
      'standard: Standard Webhooks payload and signature; langfuse / promptlayer: that product’s payload and signature header (plus the Standard Webhooks headers)',
  },
);
const Names = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 1000 });

export const EndpointBody = {
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL the events are POSTed to' }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  events: Type.Optional(
    Nullable(
      Type.Array(EventType, { maxItems: 100, description: 'event types to send; absent or null: all' }),
    ),
  ),
  prompts: Type.Optional(
    Nullable({ ...Names, description: 'prompt names to send events of; absent or null: all' }),
  ),
  mode: Type.Optional(Mode),
};

export const WorkspaceQuery = Type.Object({
  workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
export const EndpointParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const Endpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Nullable(Type.Array(Type.String())),
  prompts: Nullable(Type.Array(Type.String())),
  mode: Type.String(),
  enabled: Type.Boolean(),
  disabled_reason: Nullable(
    Type.String({ description: 'why it is disabled (by an admin, a 410, persistent failure)' }),
  ),
  disabled_at: Nullable(Type.String()),
  rotating: Type.Boolean({ description: 'the previous secret still signs too (24 h after a rotation)' }),
  previous_secret_until: Nullable(Type.String()),
  last_success_at: Nullable(Type.String()),
  last_failure_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const EndpointEnvelope = Type.Object({ webhook: Endpoint });
export const EndpointWithSecret = Type.Object({
  webhook: Endpoint,
  secret: Type.String({ description: 'whsec_…: shown once' }),
});
export const EndpointList = Type.Object({ data: Type.Array(Endpoint) });

export const Delivery = Type.Object({
  id: Type.Integer(),
  webhook_id: Type.String({ description: 'the webhook-id header: the same on every retry and replay' }),
  event_id: Type.Integer(),
  event_type: Type.String(),
  prompt: Nullable(Type.String()),
  status: Type.String({ description: 'pending | delivered | failed' }),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Type.String()),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  created_at: Type.String(),
  delivered_at: Nullable(Type.String()),
  log: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      at: Type.String(),
      status: Nullable(Type.Integer()),
      error: Nullable(Type.String()),
      duration_ms: Type.Integer(),
    }),
  ),
});
export const DeliveryEnvelope = Type.Object({ delivery: Delivery });
export const DeliveryPage = Type.Object({
  data: Type.Array(Delivery),
  pagination: Type.Object({
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    next_offset: Nullable(Type.Integer()),
  }),
});
export const DeliveryQuery = Type.Object({
  workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  ),
  ...Pagination,
});

export type EndpointT = Static<typeof Endpoint>;
export type EndpointWithSecretT = Static<typeof EndpointWithSecret>;
export type DeliveryT = Static<typeof Delivery>;
export type DeliveryPageT = Static<typeof DeliveryPage>;

export function endpointWire(e: WebhookEndpoint): EndpointT {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events ?? null,
    prompts: e.prompts ?? null,
    mode: e.mode,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    rotating: e.rotating,
    previous_secret_until: e.rotating ? iso(e.previousSecretUntil) : null,
    last_success_at: iso(e.lastSuccessAt),
    last_failure_at: iso(e.lastFailureAt),
    created_at: iso(e.createdAt)!,
    updated_at: iso(e.updatedAt)!,
  };
}

export function deliveryWire(d: DeliveryView): DeliveryT {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.eventId,
    event_type: d.eventType,
    prompt: d.prompt,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: iso(d.createdAt)!,
    delivered_at: iso(d.deliveredAt),
    log: d.log.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
      status: a.status,
      error: a.error,
      duration_ms: a.durationMs,
    })),
  };
}
