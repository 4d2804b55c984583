// POST /v1/import sends change events (issue 17 × 16), on both backends, to a webhook endpoint (a real
// local receiver verifying every delivery with the `standardwebhooks` library) and to an SSE client
// on GET /v1/events: an import into an empty workspace sends prompt.created, one version event per
// version and one label event per label where it ends up — never the copied label history; a sync
// (what a `lectern migrate` rerun sends) that renames, commits the draft, adds a version and moves
// `production` sends exactly those changes, from → to; a dry run sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { versionRecord } from '../../../../test/support/export-records.ts';
import { startReceiver, type Received, type Receiver } from '../../../../test/support/webhook-receiver.ts';
import { startWebhookWorker, type WebhookWorker } from '../../../delivery/webhooks.ts';
import type { schema as importRoute } from './import.ts';
import type { schema as webhooksCreate } from './webhooks-create.ts';

const PROMPT = '018f0000-0000-7000-8000-0000000000e1';
const OTHER = '018f0000-0000-7000-8000-0000000000e2';
const T = '2026-01-01T00:00:00.000Z';
const msg = (text: string) => [{ role: 'user', content: text }];

const version = (prompt: string, n: number, text: string, status: 'draft' | 'committed' = 'committed') =>
  versionRecord(prompt, `018f0000-0000-7000-8000-0000000002${prompt.slice(-1)}${n}`, n, text, status, T);
const label = (prompt: string, name: string, v: number) => ({
  type: 'label',
  prompt_id: prompt,
  name,
  version: v,
  created_at: T,
  updated_at: T,
});
const move = (prompt: string, name: string, from: number | null, to: number | null) => ({
  type: 'label_move',
  prompt_id: prompt,
  label: name,
  from_version: from,
  to_version: to,
  actor: null,
  at: T,
});
const promptRec = (id: string, name: string) => ({
  type: 'prompt',
  id,
  name,
  description: null,
  tags: [],
  project: null,
  kind: 'chat',
  is_snippet: false,
  metadata: {},
  created_at: T,
  updated_at: T,
});
const ndjson = (records: unknown[]) =>
  [
    { type: 'header', format: 'lectern-export', format_version: 1, exported_at: T, workspace: 'x' },
    ...records,
    { type: 'footer', prompts: 0, versions: 0, labels: 0, label_moves: 0 },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');

interface Sse {
  events: EventSourceMessage[];
  close(): void;
}
async function connect(base: string, key: string): Promise<Sse> {
  const ctl = new AbortController();
  const res = await fetch(`${base}/v1/events`, {
    headers: { authorization: `Bearer ${key}` },
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
  return { events, close: () => ctl.abort() };
}

/** What a receiver needs of an event: its type and the fields it acts on. */
const brief = (e: { type: string; data: Record<string, unknown> }) => {
  const d = e.data;
  return [
    e.type,
    d.prompt,
    ...(d.version !== undefined ? [d.version, d.status] : []),
    ...(d.label !== undefined ? [d.label, d.from_version, d.to_version] : []),
    ...(d.from !== undefined ? [d.from, d.to] : []),
  ];
};

for (const backend of backends)
  describe.skipIf(!backend.available)(`import sends change events (${backend.name})`, () => {
    let t: TestApp;
    let base: string;
    let worker: WebhookWorker;
    let rcv: Receiver;
    let sse: Sse;
    let editor: string;
    let ws: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      worker = startWebhookWorker(t.registry, {
        retrySchedule: [0.2, 0.2],
        // Long enough that a loaded machine's slow answer is not retried (a retry is a duplicate).
        timeoutMs: 5000,
        allowPrivate: true,
        concurrency: 8,
        retentionDays: 7,
      });
      // An empty workspace of its own: every event it has is one of this test's.
      ws = `import-events-${Math.random().toString(36).slice(2, 8)}`;
      await t.registry.ensureWorkspace(ws);
      const root = (await t.registry.authenticate(t.keys.admin))!;
      editor = (await t.registry.createKey(root, { name: 'e', role: 'editor', workspace: ws })).secret;
      const viewer = (await t.registry.createKey(root, { name: 'v', role: 'viewer', workspace: ws })).secret;
      rcv = await startReceiver();
      const hook = await t.call<ResponseOf<typeof webhooksCreate, 201>>(
        'POST',
        `/v1/webhooks?workspace=${ws}`,
        {
          key: t.keys.admin,
          body: { url: rcv.url },
        },
      );
      expect(hook.status, hook.raw).toBe(201);
      rcv.secrets.push(hook.body.secret);
      sse = await connect(base, viewer);
    });
    afterAll(async () => {
      sse?.close();
      await worker?.stop(100);
      await rcv?.close();
      await t?.close();
    });

    const imp = async (body: string, q = '') => {
      const r = await t.call<ResponseOf<typeof importRoute>>('POST', `/v1/import${q}`, {
        key: editor,
        body,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(r.status, r.raw).toBe(200);
      return r.body;
    };
    /** A marker change through the ordinary API: once its event arrived, everything before it did. */
    const marker = async () => {
      const name = `marker-${Math.random().toString(36).slice(2, 8)}`;
      const r = await t.call('POST', '/v1/prompts', {
        key: editor,
        body: { name, version: { messages: msg('m') } },
      });
      expect(r.status, r.raw).toBe(201);
      return name;
    };
    let seenSse = 0;
    let seenHooks = 0;
    /** Deliveries are at least once: a retry repeats its `webhook-id`, and a receiver keeps the first. */
    const once = (rs: Received[]) => rs.filter((r, i) => rs.findIndex((x) => x.id === r.id) === i);
    /** The events after the last call, up to and including the marker's, from both channels. */
    async function next(): Promise<{ stream: any[]; hooks: any[] }> {
      const m = await marker();
      const done = (xs: any[]) => xs.filter((x) => x.data.prompt === m).length === 2;
      const deadline = Date.now() + 20_000;
      for (;;) {
        const stream = sse.events.slice(seenSse).map((e) => JSON.parse(e.data));
        const hooks = once(rcv.received.slice(seenHooks)).map((r) => r.json);
        // Webhooks are not ordered across prompts: the marker's may come before earlier events', so
        // wait for as many webhooks as the stream (in commit order) has events up to the marker.
        if (done(stream) && done(hooks) && hooks.length >= stream.length) {
          // Then a moment more, so an extra or duplicate delivery would show here, not in the next call.
          await new Promise((r) => setTimeout(r, 300));
          const all = once(rcv.received.slice(seenHooks));
          expect(all.every((r) => r.verified)).toBe(true);
          seenSse = sse.events.length;
          seenHooks = rcv.received.length;
          const notMarker = (x: any) => x.data.prompt !== m;
          return { stream: stream.filter(notMarker), hooks: all.map((r) => r.json).filter(notMarker) };
        }
        if (Date.now() > deadline)
          throw new Error(`marker not seen: ${stream.length} stream events, ${hooks.length} webhooks`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const sorted = (xs: any[]) =>
      xs.map(brief).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    it('an import into an empty workspace: created, each version, each label where it ends up', async () => {
      const r = await imp(
        ndjson([
          promptRec(PROMPT, 'imp/a'),
          version(PROMPT, 1, 'one'),
          version(PROMPT, 2, 'two', 'draft'),
          label(PROMPT, 'production', 1),
          label(PROMPT, 'staging', 1),
          // The history at the source: production went to 2's predecessor and back. The past.
          move(PROMPT, 'production', null, 1),
          move(PROMPT, 'staging', null, 1),
          move(PROMPT, 'production', 1, null),
          move(PROMPT, 'production', null, 1),
        ]),
      );
      expect(r).toMatchObject({ prompts_created: 1, versions: 2, labels: 2, label_moves: 4 });
      const { stream, hooks } = await next();
      const want = [
        ['prompt.created', 'imp/a'],
        ['prompt.version.created', 'imp/a', 1, 'committed'],
        ['prompt.version.created', 'imp/a', 2, 'draft'],
        ['prompt.label.moved', 'imp/a', 'production', null, 1],
        ['prompt.label.moved', 'imp/a', 'staging', null, 1],
      ];
      expect(stream.map(brief)).toEqual(want); // in commit order
      expect(sorted(hooks)).toEqual(sorted(stream));
      // The fields receivers need, as the other write paths send them.
      for (const e of stream) {
        expect(e.data).toMatchObject({ prompt_id: PROMPT, prompt: 'imp/a' });
        expect(e.data.actor).toEqual(expect.any(String));
        expect(Date.now() - Date.parse(e.timestamp)).toBeLessThan(60_000); // now, not the source's time
      }
      // The content hash is the one the API path gives equal content.
      const same = await t.call('POST', '/v1/prompts', {
        key: editor,
        body: { name: 'api/same', version: { messages: msg('one'), model: 'gpt-4o', commit_message: 'c1' } },
      });
      expect(same.status, same.raw).toBe(201);
      const api = (await next()).stream.find((e) => e.type === 'prompt.version.created');
      expect(api.data.actor).toBe(stream[0].data.actor);
      expect(stream[1].data.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(stream[1].data.content_hash).toBe(api.data.content_hash);
      expect(stream[1].data).toMatchObject({ version_id: version(PROMPT, 1, '').id, commit_message: 'c1' });
    });

    it('a sync that renames, commits the draft, adds a version and moves production sends those', async () => {
      const r = await imp(
        ndjson([
          promptRec(PROMPT, 'imp/renamed'),
          version(PROMPT, 1, 'one'),
          version(PROMPT, 2, 'two final'),
          version(PROMPT, 3, 'three'),
          label(PROMPT, 'production', 3),
          label(PROMPT, 'staging', 1),
          move(PROMPT, 'production', 1, 3),
        ]),
        '?existing=sync',
      );
      expect(r).toMatchObject({
        prompts_updated: 1,
        changes: [{ versions_added: [3], versions_updated: [2] }],
      });
      const { stream, hooks } = await next();
      expect(stream.map(brief)).toEqual([
        ['prompt.renamed', 'imp/renamed', 'imp/a', 'imp/renamed'],
        ['prompt.draft.updated', 'imp/renamed', 2, 'committed'],
        ['prompt.version.committed', 'imp/renamed', 2, 'committed'],
        ['prompt.version.created', 'imp/renamed', 3, 'committed'],
        ['prompt.label.moved', 'imp/renamed', 'production', 1, 3],
      ]);
      expect(sorted(hooks)).toEqual(sorted(stream));

      // Unchanged rerun: nothing.
      await imp(
        ndjson([
          promptRec(PROMPT, 'imp/renamed'),
          version(PROMPT, 1, 'one'),
          version(PROMPT, 2, 'two final'),
          version(PROMPT, 3, 'three'),
          label(PROMPT, 'production', 3),
          label(PROMPT, 'staging', 1),
        ]),
        '?existing=sync',
      );
      const again = await next();
      expect(again.stream).toEqual([]);
      expect(again.hooks).toEqual([]);
    });

    it('a dry run sends nothing (the outbox rolls back with it); the real run sends the changes', async () => {
      const changed = ndjson([
        promptRec(PROMPT, 'imp/dry'),
        version(PROMPT, 1, 'one'),
        version(PROMPT, 2, 'two final'),
        version(PROMPT, 3, 'three'),
        version(PROMPT, 4, 'four'),
        label(PROMPT, 'production', 4),
        promptRec(OTHER, 'imp/new'),
        version(OTHER, 1, 'new'),
        label(OTHER, 'production', 1),
        move(OTHER, 'production', null, 1),
      ]);
      const dry = await imp(changed, '?existing=sync&dry_run=true');
      expect(dry).toMatchObject({ dry_run: true, prompts_created: 1, prompts_updated: 1 });
      const plain = await imp(changed, '?dry_run=true');
      expect(plain).toMatchObject({ dry_run: true, prompts_created: 1 });
      const { stream, hooks } = await next();
      expect(stream).toEqual([]);
      expect(hooks).toEqual([]);

      // The same import for real sends what the dry run did not.
      await imp(changed, '?existing=sync');
      const real = await next();
      expect(real.stream.map(brief)).toEqual([
        ['prompt.renamed', 'imp/dry', 'imp/renamed', 'imp/dry'],
        ['prompt.version.created', 'imp/dry', 4, 'committed'],
        ['prompt.label.moved', 'imp/dry', 'production', 3, 4],
        ['prompt.label.deleted', 'imp/dry', 'staging', 1, null],
        ['prompt.created', 'imp/new'],
        ['prompt.version.created', 'imp/new', 1, 'committed'],
        ['prompt.label.moved', 'imp/new', 'production', null, 1],
      ]);
      expect(sorted(real.hooks)).toEqual(sorted(real.stream));
    });
  });
