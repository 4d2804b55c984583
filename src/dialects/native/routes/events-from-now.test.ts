// GET /v1/events?from=now: a live view that has just loaded its data wants only what changes next,
// not the outbox's whole retention window replayed; a resume position (Last-Event-ID, `after`)
// still wins, so a reconnecting client misses nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { uniq } from '../testing.ts';
import type { schema as promptsCreate } from './prompts-create.ts';

async function connect(url: string, key: string, headers: Record<string, string> = {}) {
  const ctl = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
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
  const prompts = () => events.map((e) => JSON.parse(e.data).data.prompt as string);
  const until = async (name: string) => {
    const deadline = Date.now() + 15_000;
    while (!prompts().includes(name)) {
      if (Date.now() > deadline) throw new Error(`no event for ${name}: ${prompts().join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { events, prompts, until, close: () => ctl.abort() };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`GET /v1/events?from=now (${backend.name})`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => t?.close());

    const newPrompt = async () => {
      const r = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name: uniq('now'), version: { messages: [{ role: 'user', content: 'x' }] } },
      });
      expect(r.status).toBe(201);
      return r.body.prompt.name as string;
    };

    it('sends only the events after the newest one when it connected', async () => {
      const before = await newPrompt();
      // The earlier event is in the stream from the start (it is sequenced off the write path).
      const all = await connect(`${base}/v1/events`, t.keys.viewer);
      await all.until(before);
      all.close();
      const live = await connect(`${base}/v1/events?from=now`, t.keys.viewer);
      await new Promise((r) => setTimeout(r, 300));
      const after = await newPrompt();
      await live.until(after);
      live.close();
      expect(live.prompts()).not.toContain(before);
      expect(new Set(live.prompts())).toEqual(new Set([after]));
    });

    it('a Last-Event-ID resumes from there even with from=now', async () => {
      const a = await newPrompt();
      const first = await connect(`${base}/v1/events`, t.keys.viewer);
      await first.until(a);
      const last = first.events.at(-1)!.id!;
      first.close();
      const missed = await newPrompt();
      // Wait until the missed event is sequenced, so `from=now` alone would skip it.
      const probe = await connect(`${base}/v1/events?after=${last}`, t.keys.viewer);
      await probe.until(missed);
      probe.close();
      const resumed = await connect(`${base}/v1/events?from=now`, t.keys.viewer, { 'last-event-id': last });
      await resumed.until(missed);
      resumed.close();
      expect(resumed.prompts()).not.toContain(a);
    });
  });
}
