// GET /v1/events — the change stream of the key's workspace as Server-Sent Events, read from the
// same outbox webhooks are delivered from, in commit order. `id:` is the event's position: a client
// that reconnects with Last-Event-ID (or `?after=`) gets every event after it, none twice, as long
// as it is inside the outbox's retention (LECTERN_OUTBOX_RETENTION_DAYS); one that resumes from
// before it first gets a `stream.gap` event (it missed events and should resync), and so does a
// connected one when retention deletes events it has not read yet.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { standardPayload } from '../../../model/webhooks.ts';
import { errors } from '../responses.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer is a live stream that ends only when the client leaves (tests that expect an end skip it). */
    stream?: boolean;
  }
}

/** The event that tells a resuming client it missed events retention deleted (docs/webhooks.md). */
export const GAP_EVENT = 'stream.gap';

function gapPayload(workspaceId: string, g: { after: number; through: number; prunedAt: Date }) {
  return {
    type: GAP_EVENT,
    timestamp: new Date().toISOString(),
    data: {
      workspace_id: workspaceId,
      reason: 'retention',
      after: g.after,
      through: g.through,
      pruned_at: g.prunedAt.toISOString(),
    },
  };
}

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export const schema = {
  operationId: 'streamEvents',
  summary: 'Stream changes (Server-Sent Events)',
  description:
    'Each event: `id` (its position), `event` (its type), `data` (the Standard Webhooks payload, as ' +
    'webhooks send it). Resume with the `Last-Event-ID` header or `after`; when retention has ' +
    'deleted events after that position, a `stream.gap` event comes first (resync, then read on). ' +
    'Any role may read.',
  tags: ['webhooks'],
  querystring: Type.Object({
    workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    from: Type.Optional(
      Type.Literal('now', {
        description: 'now: only events after the newest one (a live view that has just loaded its data)',
      }),
    ),
    follow: Type.Boolean({
      default: true,
      description: 'false: send the events there are now and end the response (polling clients)',
    }),
  }),
  headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) }),
  response: {
    200: Type.String({ description: 'text/event-stream' }),
    ...errors,
  },
};

export default function route(app: FastifyInstance) {
  // Open streams end when the server stops (a stop would otherwise wait for them forever).
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/events', { schema, config: { stream: true } }, async (req, reply) => {
      const header = req.headers['last-event-id'];
      const fromHeader =
        header !== undefined && /^\d{1,16}$/.test(header.trim()) ? Number(header) : undefined;
      const cursor = fromHeader ?? req.query.after;
      let after = cursor ?? 0;
      const stream = await app.registry.openEventStream(req.actor, {
        workspace: req.query.workspace,
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      // A resume position wins over `from=now`: a reconnecting client must not skip what it missed.
      if (req.query.from === 'now' && cursor === undefined) {
        try {
          after = await stream.head();
        } catch (err) {
          stream.close();
          throw err;
        }
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
      });
      res.write('retry: 2000\n\n');
      let closed = false;
      const end = () => {
        if (closed) return;
        closed = true;
        stream.close();
        res.end();
      };
      open.add(end);
      res.on('close', () => {
        closed = true;
        open.delete(end);
        stream.close();
      });
      // A slow client is not buffered for without bound: the next read waits until it has taken
      // what was written (the outbox is the buffer). One that falls behind by more than the
      // retention window is told by a gap, like a client resuming from an old position.
      const drained = () =>
        new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      let lastWrite = Date.now();
      try {
        while (!closed) {
          const { gap, events } = await stream.read(after);
          // write() says when the socket's buffer is full; only then is a 'drain' to come (an
          // injected response reports writableNeedDrain without ever draining).
          let full = false;
          if (gap) {
            // Retention deleted events after the client's position (before it connected, or
            // while it was): say so before anything after it, and continue after the last deleted
            // one (the client resyncs; what it missed is gone).
            full = !res.write(
              `id: ${gap.through}\nevent: ${GAP_EVENT}\ndata: ${JSON.stringify(gapPayload(stream.workspaceId, gap))}\n\n`,
            );
            after = gap.through;
          }
          for (const e of events) {
            const payload = JSON.stringify(standardPayload(e));
            if (!res.write(`id: ${e.pos}\nevent: ${e.type}\ndata: ${payload}\n\n`)) full = true;
            after = e.pos ?? after;
          }
          if (full && !closed) await drained();
          if (events.length === 500) continue;
          if (!req.query.follow) break;
          if (events.length || gap) {
            lastWrite = Date.now();
            continue;
          }
          if (Date.now() - lastWrite >= HEARTBEAT_MS) {
            res.write(': keep-alive\n\n');
            lastWrite = Date.now();
          }
          await stream.wait(HEARTBEAT_MS);
        }
      } catch (err) {
        req.log.warn({ err }, 'event stream ended by an error');
      } finally {
        open.delete(end);
        end();
      }
    });
}
