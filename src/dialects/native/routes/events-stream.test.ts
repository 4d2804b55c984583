// GET /v1/events: a real SSE client over a real port gets the workspace's changes in order,
// disconnects, resumes with Last-Event-ID and misses nothing (and sees nothing twice); another
// workspace's changes never appear; a bad workspace answers 404 before any stream starts; a client
// resuming from before what retention deleted gets a `stream.gap` event first, and so does a
// connected client when retention deletes events it has not read yet; a slow client is waited for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { sql } from 'drizzle-orm';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { uniq } from '../testing.ts';
import { pruneOutbox, rowsOf } from '../../../registry/outbox.ts';
import type { schema as promptsCreate } from './prompts-create.ts';

interface Client {
  events: EventSourceMessage[];
  close(): void;
  until(n: number, ms?: number): Promise<void>;
}

async function connect(base: string, key: string, lastEventId?: string): Promise<Client> {
  const ctl = new AbortController();
  const res = await fetch(`${base}/v1/events`, {
    headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  void (async () => {
    try {
      const dec = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(dec.decode(chunk));
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    close: () => ctl.abort(),
    async until(n, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`GET /v1/events (${backend.name})`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    const newPrompt = async (key: string) => {
      const r = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        key,
        body: { name: uniq('sse'), version: { messages: [{ role: 'user', content: 'x' }] } },
      });
      expect(r.status).toBe(201);
      return r.body.prompt.name as string;
    };

    it('resumes with Last-Event-ID and misses nothing', async () => {
      const first = await connect(base, t.keys.viewer);
      // Events already in the outbox come first (from the start: no Last-Event-ID).
      const a = await newPrompt(t.keys.editor);
      await first.until(1);
      const names = () => first.events.map((e) => JSON.parse(e.data).data.prompt);
      await new Promise((r) => setTimeout(r, 200));
      expect(names()).toContain(a);
      const before = first.events.length;
      first.close();
      const lastId = first.events.at(-1)!.id!;

      // Changes while disconnected, in this workspace and in another.
      const missed: string[] = [];
      for (let i = 0; i < 5; i++) missed.push(await newPrompt(t.keys.editor));
      const foreign = await newPrompt(t.keys.otherEditor);

      const second = await connect(base, t.keys.viewer, lastId);
      await second.until(10); // 5 prompts × (prompt.created, prompt.version.created)
      const more = await newPrompt(t.keys.editor);
      await second.until(12);
      const got = second.events.map((e) => ({ id: Number(e.id), type: e.event, json: JSON.parse(e.data) }));
      // In order, strictly after the resume point, none twice.
      const ids = got.map((g) => g.id);
      expect(ids[0]).toBeGreaterThan(Number(lastId));
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      const promptNames = got.map((g) => g.json.data.prompt);
      for (const n of [...missed, more]) expect(promptNames.filter((x: string) => x === n)).toHaveLength(2);
      expect(promptNames).not.toContain(foreign);
      expect(promptNames).not.toContain(a);
      expect(got.every((g) => g.type === g.json.type)).toBe(true);
      expect(before).toBeGreaterThan(0);
      second.close();
    });

    /** Everything the stream has now (`follow=false`), parsed. */
    async function poll(key: string, opts: { lastEventId?: string; after?: number } = {}) {
      const q = opts.after !== undefined ? `&after=${opts.after}` : '';
      const res = await fetch(`${base}/v1/events?follow=false${q}`, {
        headers: {
          authorization: `Bearer ${key}`,
          ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
        },
      });
      expect(res.status).toBe(200);
      const events: EventSourceMessage[] = [];
      createParser({ onEvent: (e) => events.push(e) }).feed(await res.text());
      return events;
    }

    it('a client resuming from before what retention deleted gets a stream.gap event first', async () => {
      const a = await newPrompt(t.keys.editor);
      const b = await newPrompt(t.keys.editor);
      const c = await newPrompt(t.keys.editor);
      await t.registry.outbox.hub.idle();
      const all = await poll(t.keys.viewer);
      const of = (name: string) => all.filter((e) => JSON.parse(e.data).data.prompt === name);
      expect(of(a)).toHaveLength(2);
      const seen = of(a).at(-1)!.id!; // the client read up to A's last event
      const lastOfB = Number(of(b).at(-1)!.id);

      // A and B's events age out of the window (and another workspace's, which must not matter).
      await t.registry.store.db.execute(
        sql`update outbox_events set at = now() - interval '30 days' where prompt_name in (${a}, ${b})`,
      );
      expect(await t.registry.outbox.prune(7)).toBeGreaterThanOrEqual(4);

      const resumed = await poll(t.keys.viewer, { lastEventId: seen });
      expect(resumed[0]!.event).toBe('stream.gap');
      expect(Number(resumed[0]!.id)).toBe(lastOfB);
      const gap = JSON.parse(resumed[0]!.data);
      expect(gap).toMatchObject({
        type: 'stream.gap',
        data: { reason: 'retention', after: Number(seen), through: lastOfB },
      });
      // Then the stream goes on after the gap: C's events, nothing deleted, nothing twice.
      const rest = resumed.slice(1);
      expect(rest.map((e) => JSON.parse(e.data).data.prompt)).toEqual([c, c]);
      expect(rest.every((e) => Number(e.id) > lastOfB)).toBe(true);
      expect(rest.some((e) => e.event === 'stream.gap')).toBe(false);

      // `?after=` is a resume point too; one past the deleted events has no gap, nor has a client
      // that names no position (it asked for whatever there is).
      const viaQuery = await poll(t.keys.viewer, { after: Number(seen) });
      expect(viaQuery[0]!.event).toBe('stream.gap');
      const fromGap = await poll(t.keys.viewer, { lastEventId: String(lastOfB) });
      expect(fromGap.map((e) => e.event)).not.toContain('stream.gap');
      expect(fromGap.map((e) => JSON.parse(e.data).data.prompt)).toEqual([c, c]);
      const fresh = await poll(t.keys.viewer);
      expect(fresh.map((e) => e.event)).not.toContain('stream.gap');

      // Another workspace's retention is not this one's gap.
      const other = await poll(t.keys.otherEditor, { lastEventId: seen });
      expect(other.map((e) => e.event)).not.toContain('stream.gap');
    });

    it('a connected client is told by a stream.gap when retention deletes events it has not read', async () => {
      // Connected with no position (it asked for whatever there is): what retention deleted
      // before it came is no gap for it; what is deleted while it is connected is.
      const live = await connect(base, t.keys.viewer);
      const a = await newPrompt(t.keys.editor);
      const hasA = () => live.events.some((e) => JSON.parse(e.data).data.prompt === a);
      for (let i = 0; i < 500 && !hasA(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(hasA()).toBe(true);
      const seen = Number(live.events.at(-1)!.id);
      const workspaceId = JSON.parse(live.events.at(-1)!.data).data.workspace_id as string;
      const before = live.events.length;

      // Events the client has not read yet are committed, numbered and pruned in one transaction
      // (as if the client had fallen behind by more than the window): it never sees them.
      const gone = uniq('gone');
      const db = t.registry.store.db;
      let through = 0;
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into outbox_events (workspace_id, type, prompt_name, data, at)
          select ${workspaceId}::uuid, 'prompt.created', ${gone}, '{"is_snippet":false}'::jsonb,
                 now() - interval '30 days'
          from generate_series(1, 3)`);
        const numbered = await tx.execute(sql`
          update outbox_events set pos = nextval('outbox_pos_seq'), sequenced_at = now()
          where pos is null and prompt_name = ${gone} returning pos`);
        through = Math.max(...rowsOf<{ pos: string }>(numbered).map((r) => Number(r.pos)));
        expect(await pruneOutbox(tx as unknown as typeof db, 7)).toBeGreaterThanOrEqual(3);
      });
      expect(through).toBeGreaterThan(seen);

      // The next change wakes the stream: first the gap, then the change, never a silent hole.
      const b = await newPrompt(t.keys.editor);
      await live.until(before + 3); // stream.gap + B's two events
      const got = live.events.slice(before);
      expect(got[0]!.event).toBe('stream.gap');
      expect(Number(got[0]!.id)).toBe(through);
      expect(JSON.parse(got[0]!.data)).toMatchObject({
        type: 'stream.gap',
        data: { reason: 'retention', workspace_id: workspaceId, after: seen, through },
      });
      expect(got.slice(1).map((e) => JSON.parse(e.data).data.prompt)).toEqual([b, b]);
      expect(got.slice(1).every((e) => Number(e.id) > through)).toBe(true);
      // Nothing deleted reached it, and the gap is told once.
      expect(live.events.some((e) => e.data.includes(gone))).toBe(false);
      await newPrompt(t.keys.editor);
      await live.until(before + 5);
      expect(live.events.filter((e) => e.event === 'stream.gap')).toHaveLength(1);
      live.close();
    });

    it('a slow client is not buffered without bound: the stream waits for it and misses nothing', async () => {
      // 1,200 events, read by a client that takes its time: the server writes a batch, waits for
      // the client to drain it, then reads the next (the outbox is the buffer).
      const names: string[] = [];
      const db = t.registry.store.db;
      await newPrompt(t.keys.editor);
      await t.registry.outbox.hub.idle();
      const ws = JSON.parse((await poll(t.keys.viewer)).at(-1)!.data).data.workspace_id as string;
      const tag = uniq('bulk');
      await db.execute(sql`
        insert into outbox_events (workspace_id, type, prompt_name, data)
        select ${ws}::uuid, 'prompt.updated', ${tag} || '-' || g, jsonb_build_object('pad', repeat('x', 2000))
        from generate_series(1, 1200) g`);
      for (let i = 1; i <= 1200; i++) names.push(`${tag}-${i}`);
      await t.registry.outbox.hub.idle();
      t.registry.outbox.hub.kick();
      await t.registry.outbox.hub.idle();
      const res = await fetch(`${base}/v1/events?follow=false&after=0`, {
        headers: { authorization: `Bearer ${t.keys.viewer}` },
      });
      const events: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (e) => events.push(e) });
      const dec = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(dec.decode(chunk, { stream: true }));
        await new Promise((r) => setTimeout(r, 2)); // a slow reader
      }
      const got = events.map((e) => JSON.parse(e.data).data.prompt).filter((n: string) => n?.startsWith(tag));
      expect(got).toEqual(names);
    });

    it('answers 404 for a workspace the key cannot see, and 401 without a key', async () => {
      const r = await t.call('GET', '/v1/events?workspace=other', { key: t.keys.viewer });
      expect(r.status).toBe(404);
      const anon = await t.call('GET', '/v1/events', { key: null });
      expect(anon.status).toBe(401);
    });
  });
}
