// The webhook endpoints' native API (docs/webhooks.md), through the shared Client's typed fetch
// (openapi-fetch over the generated paths): paths, parameters, bodies and answers all generated.
import type { Client } from './client.ts';
import type { operations } from './schema';
import type { Json200 } from './types.ts';

export type Endpoint = Json200<'getWebhook'>['webhook'];
export type Delivery = Json200<'listWebhookDeliveries'>['data'][number];
export type EndpointInput = operations['createWebhook']['requestBody']['content']['application/json'];
export type EventType = NonNullable<EndpointInput['events']>[number];
export type DeliveryMode = NonNullable<EndpointInput['mode']>;

/** Every event type an endpoint can subscribe to (the compiler checks none is missing). */
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
] as const satisfies readonly EventType[];
// A type the server adds and this list lacks is a compile error here.
const _complete: Exclude<EventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void _complete;

export const DELIVERY_MODES: readonly DeliveryMode[] = ['standard', 'langfuse', 'promptlayer'];

/** Comma-separated event names as typed; a name that is no event type is refused before sending. */
export function parseEventTypes(text: string): EventType[] {
  const names = text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return names.map((n) => {
    const t = EVENT_TYPES.find((e) => e === n);
    if (!t) throw new Error(`"${n}" is not an event type; one of: ${EVENT_TYPES.join(', ')}`);
    return t;
  });
}

export const listWebhooks = (c: Client) => c.send(c.api.GET('/v1/webhooks', { params: { query: c.wq } }));

export const createWebhook = (c: Client, body: EndpointInput) =>
  c.send(c.api.POST('/v1/webhooks', { params: { query: c.wq }, body }));

export const setWebhookEnabled = (c: Client, id: string, enabled: boolean) =>
  c.send(c.api.PATCH('/v1/webhooks/{id}', { params: { path: { id }, query: c.wq }, body: { enabled } }));

export const rotateWebhookSecret = (c: Client, id: string) =>
  c.send(c.api.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id }, query: c.wq } }));

export const deleteWebhook = (c: Client, id: string) =>
  c.send(c.api.DELETE('/v1/webhooks/{id}', { params: { path: { id }, query: c.wq } }));

export const listDeliveries = (c: Client, id: string) =>
  c.send(
    c.api.GET('/v1/webhooks/{id}/deliveries', {
      params: { path: { id }, query: { ...c.wq, limit: 50 } },
    }),
  );

export const replayDelivery = (c: Client, id: string, delivery: number) =>
  c.send(
    c.api.POST('/v1/webhooks/{id}/deliveries/{delivery}/replay', {
      params: { path: { id, delivery }, query: c.wq },
    }),
  );
