// Webhook endpoints of a workspace, managed by its admins: create (the secret is shown once),
// list, get, update (filters, mode, enable/disable), rotate the secret, delete; and each
// endpoint's delivery log with replay. Delivery itself is src/delivery/webhooks.ts.
import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { outboxEvents, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../store/schema.ts';
import { badRequest, LecternError } from '../model/errors.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor, Page } from '../model/types.ts';
import { EVENT_TYPES, webhookId, type EndpointMode } from '../model/webhooks.ts';
import { inTx, requireRole, resolveWorkspace, type RegistryContext } from './context.ts';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
/** An endpoint as answered: never its secrets. */
export type WebhookEndpoint = Omit<WebhookEndpointRow, 'secret' | 'previousSecret'> & { rotating: boolean };

export interface EndpointInput {
  url: string;
  description?: string | null;
  events?: string[] | null;
  prompts?: string[] | null;
  mode?: EndpointMode;
  workspace?: string;
}

export interface EndpointPatch {
  url?: string;
  description?: string | null;
  events?: string[] | null;
  prompts?: string[] | null;
  mode?: EndpointMode;
  enabled?: boolean;
}

/** How long the previous secret still signs after a rotation (a second `v1,` signature). */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A Standard Webhooks symmetric secret: 32 random bytes, base64, prefixed `whsec_`. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const notFound = () =>
  new LecternError({ kind: 'not_found', what: 'webhook endpoint' }, 'webhook endpoint not found');

function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badRequest('url must be an absolute http(s) URL', { field: 'url' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw badRequest('url must be an http(s) URL', { field: 'url' });
  }
  if (u.username || u.password) throw badRequest('url must not carry credentials', { field: 'url' });
  return u.href;
}

function checkEvents(events: string[] | null | undefined): string[] | null | undefined {
  if (!events) return events;
  const known = new Set<string>(EVENT_TYPES);
  const bad = events.filter((e) => !known.has(e));
  if (bad.length) {
    throw badRequest(`unknown event type(s): ${bad.join(', ')}`, { field: 'events', known: [...known] });
  }
  return [...new Set(events)];
}

export function publicEndpoint(row: WebhookEndpointRow, now = Date.now()): WebhookEndpoint {
  const { secret: _s, previousSecret, ...rest } = row;
  return {
    ...rest,
    rotating: previousSecret !== null && (row.previousSecretUntil?.getTime() ?? 0) > now,
  };
}

async function endpointIn(ctx: RegistryContext, actor: Actor, id: string, workspace?: string) {
  requireRole(actor, 'admin');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound();
  const ws = await resolveWorkspace(ctx.store.db, actor, workspace);
  return { ws, where: and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.workspaceId, ws.id)) };
}

export async function createEndpoint(
  ctx: RegistryContext,
  actor: Actor,
  input: EndpointInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireRole(actor, 'admin');
  const url = checkUrl(input.url);
  const events = checkEvents(input.events) ?? null;
  const ws = await resolveWorkspace(ctx.store.db, actor, input.workspace);
  const secret = newSecret();
  const [row] = await ctx.store.db
    .insert(webhookEndpoints)
    .values({
      id: uuidv7(),
      workspaceId: ws.id,
      url,
      description: input.description ?? null,
      events,
      prompts: input.prompts ? [...new Set(input.prompts)] : null,
      mode: input.mode ?? 'standard',
      secret,
      createdBy: actor.keyId,
    })
    .returning();
  return { endpoint: publicEndpoint(row!), secret };
}

export async function listEndpoints(
  ctx: RegistryContext,
  actor: Actor,
  q: { workspace?: string } = {},
): Promise<WebhookEndpoint[]> {
  requireRole(actor, 'admin');
  const ws = await resolveWorkspace(ctx.store.db, actor, q.workspace);
  const rows = await ctx.store.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.workspaceId, ws.id))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
  return rows.map((r) => publicEndpoint(r));
}

export async function getEndpoint(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  q: { workspace?: string } = {},
): Promise<WebhookEndpoint> {
  const { where } = await endpointIn(ctx, actor, id, q.workspace);
  const [row] = await ctx.store.db.select().from(webhookEndpoints).where(where);
  if (!row) throw notFound();
  return publicEndpoint(row);
}

/**
 * Updates an endpoint. Disabling stops deliveries (events meanwhile are not queued for it);
 * enabling clears the reason an automatic disable gave and makes its pending deliveries due now.
 */
export async function updateEndpoint(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  patch: EndpointPatch,
  q: { workspace?: string } = {},
): Promise<WebhookEndpoint> {
  const { where } = await endpointIn(ctx, actor, id, q.workspace);
  const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: new Date() };
  if (patch.url !== undefined) set.url = checkUrl(patch.url);
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.events !== undefined) set.events = checkEvents(patch.events) ?? null;
  if (patch.prompts !== undefined) set.prompts = patch.prompts ? [...new Set(patch.prompts)] : null;
  if (patch.mode !== undefined) set.mode = patch.mode;
  if (patch.enabled === false) {
    Object.assign(set, { enabled: false, disabledAt: new Date(), disabledReason: 'disabled by an admin' });
  } else if (patch.enabled === true) {
    Object.assign(set, { enabled: true, disabledAt: null, disabledReason: null });
  }
  return inTx(ctx, async (tx) => {
    const [row] = await tx.update(webhookEndpoints).set(set).where(where).returning();
    if (!row) throw notFound();
    if (patch.enabled === true) {
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(), updatedAt: new Date() })
        .where(and(eq(webhookDeliveries.endpointId, row.id), eq(webhookDeliveries.status, 'pending')));
    }
    return publicEndpoint(row);
  });
}

/** A new secret, shown once; the previous one keeps signing (a second signature) for 24 h. */
export async function rotateSecret(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  q: { workspace?: string } = {},
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { where } = await endpointIn(ctx, actor, id, q.workspace);
  const secret = newSecret();
  const [row] = await ctx.store.db
    .update(webhookEndpoints)
    .set({
      secret,
      previousSecret: sql`${webhookEndpoints.secret}`,
      previousSecretUntil: new Date(Date.now() + ROTATION_OVERLAP_MS),
      updatedAt: new Date(),
    })
    .where(where)
    .returning();
  if (!row) throw notFound();
  return { endpoint: publicEndpoint(row), secret };
}

export async function deleteEndpoint(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  q: { workspace?: string } = {},
): Promise<void> {
  const { where } = await endpointIn(ctx, actor, id, q.workspace);
  const rows = await ctx.store.db
    .delete(webhookEndpoints)
    .where(where)
    .returning({ id: webhookEndpoints.id });
  if (!rows.length) throw notFound();
}

export interface DeliveryView {
  id: number;
  webhookId: string;
  eventId: number;
  eventType: string;
  prompt: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  log: { attempt: number; at: string; status: number | null; error: string | null; durationMs: number }[];
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  eventId: webhookDeliveries.eventId,
  part: webhookDeliveries.part,
  eventType: outboxEvents.type,
  prompt: outboxEvents.promptName,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastStatus: webhookDeliveries.lastStatus,
  lastError: webhookDeliveries.lastError,
  createdAt: webhookDeliveries.createdAt,
  deliveredAt: webhookDeliveries.deliveredAt,
  // The last 20 attempts, newest first, in the same statement.
  log: sql<
    DeliveryView['log']
  >`(select coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'status', a.status, 'error', a.error, 'durationMs', a.duration_ms) order by a.id desc), '[]'::json) from (select * from ${webhookAttempts} a where a.delivery_id = ${webhookDeliveries.id} order by a.id desc limit 20) a)`,
};

type DeliveryRow = { part: number } & Omit<DeliveryView, 'webhookId'>;
const deliveryView = ({ part, ...r }: DeliveryRow): DeliveryView => ({
  ...r,
  webhookId: webhookId(r.eventId, part),
  nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt : null,
});

/** An endpoint's deliveries, newest first, each with its recent attempts. */
export async function listDeliveries(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  q: { workspace?: string; status?: 'pending' | 'delivered' | 'failed'; limit: number; offset: number },
): Promise<Page<DeliveryView>> {
  const { where: own } = await endpointIn(ctx, actor, id, q.workspace);
  const db = ctx.store.db;
  const [ep] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(own);
  if (!ep) throw notFound();
  const where = and(
    eq(webhookDeliveries.endpointId, ep.id),
    q.status ? eq(webhookDeliveries.status, q.status) : undefined,
  );
  const [items, total] = await Promise.all([
    db
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
      .where(where)
      .orderBy(desc(webhookDeliveries.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  return { items: (items as DeliveryRow[]).map(deliveryView), total: Number(total[0]?.n ?? 0) };
}

/**
 * Sends a delivery again (a failed one, or a delivered one the receiver lost), with the same
 * webhook-id, now, and with a fresh retry schedule. Re-enables nothing: a disabled endpoint's
 * replay waits until it is enabled.
 */
export async function replayDelivery(
  ctx: RegistryContext,
  actor: Actor,
  id: string,
  deliveryId: number,
  q: { workspace?: string } = {},
): Promise<DeliveryView> {
  const { where: own } = await endpointIn(ctx, actor, id, q.workspace);
  return inTx(ctx, async (tx) => {
    const [ep] = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(own);
    if (!ep) throw notFound();
    const [row] = await tx
      .update(webhookDeliveries)
      .set({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(),
        leaseUntil: null,
        updatedAt: new Date(),
      })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, ep.id)))
      .returning({ id: webhookDeliveries.id });
    if (!row) throw new LecternError({ kind: 'not_found', what: 'delivery' }, 'delivery not found');
    const [view] = await tx
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
      .where(eq(webhookDeliveries.id, row.id));
    return deliveryView(view as DeliveryRow);
  });
}
