// 64 concurrent clients create versions on one prompt through each writing API, and through all of
// them at once: every 2xx names a distinct version that exists afterwards with the content sent,
// numbers stay contiguous, nothing answers 5xx. Writers that name their base (If-Match, a base
// version) never silently build on a newer one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkInvariants } from '../support/invariants.ts';
import {
  checkAcknowledged,
  createTarget,
  routeMatches,
  versionRows,
  writers,
  type Call,
  type Target,
  type Writer,
} from '../support/writers.ts';

const CLIENTS = 64;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`concurrent writers on ${backend.name}`, () => {
    let t: TestApp;
    let call: Call;
    beforeAll(async () => {
      t = await startTestApp(backend);
      call = t.call as Call;
    });
    afterAll(() => t?.close());

    const routed = (w: Writer, target: Target) => {
      const [method, path] = w.probe(target);
      return routeMatches(t.app.routeTable, method, path);
    };

    async function burst(target: Target, pick: (i: number) => Writer) {
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => {
          const w = pick(i);
          return w.write(call, target, i).then((r) => ({ ...r, api: w.api }));
        }),
      );
      const fives = results.filter((r) => r.status >= 500);
      expect(fives, JSON.stringify(fives.slice(0, 3))).toEqual([]);
      const acks = results.filter((r) => r.status >= 200 && r.status < 300);
      const rows = await versionRows(t.store, target.id);
      expect(checkAcknowledged(rows, acks)).toEqual([]);
      expect(await checkInvariants(t.store)).toEqual([]);
      return { results, acks, rows };
    }

    for (const w of writers) {
      it(`${w.api}: ${CLIENTS} concurrent writers each get their own version`, async () => {
        const target = await createTarget(call, `race-${w.api}`);
        expect(routed(w, target), `${w.api} route ${w.probe(target).join(' ')} is not registered`).toBe(true);
        const { acks, rows } = await burst(target, () => w);
        // Nothing to refuse here: every writer must succeed, on top of the seed version.
        expect(acks).toHaveLength(CLIENTS);
        expect(rows.map((r) => r.number)).toEqual(Array.from({ length: CLIENTS + 1 }, (_, i) => i + 1));
      });
    }

    it(`a mix of every writing API: ${CLIENTS} concurrent writers, one contiguous history`, async () => {
      const target = await createTarget(call, 'race-mix');
      const live = writers.filter((w) => routed(w, target));
      expect(live.map((w) => w.api)).toEqual(writers.map((w) => w.api));
      const { acks, rows } = await burst(target, (i) => live[i % live.length]!);
      expect(acks).toHaveLength(CLIENTS);
      expect(rows).toHaveLength(CLIENTS + 1);
    });

    it('If-Match: of writers holding the same ETag exactly one wins, on the version it read', async () => {
      const target = await createTarget(call, 'race-if-match');
      for (let round = 0; round < 4; round++) {
        const got = await call('GET', `/v1/prompts/${target.id}`);
        const etag = got.headers.etag as string;
        const before = (await versionRows(t.store, target.id)).length;
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            call('POST', `/v1/prompts/${target.id}/versions`, {
              headers: { 'if-match': etag },
              body: { messages: [{ role: 'user', content: `r${round} c${i}` }] },
            }),
          ),
        );
        const statuses = results.map((r) => r.status).sort();
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s !== 201).every((s) => s === 412)).toBe(true);
        expect(results.find((r) => r.status === 201)!.body.version.number).toBe(before + 1);
      }
      expect(await checkInvariants(t.store)).toEqual([]);
    });

    // A derived version must carry exactly its named base's messages, however many versions land
    // concurrently on top of that base.
    const baseNamers: {
      api: string;
      write: (target: Target, base: number, i: number) => Promise<{ status: number; number?: number }>;
    }[] = [
      {
        api: 'native base',
        write: async (target, base, i) => {
          const r = await call('POST', `/v1/prompts/${target.id}/versions`, {
            body: { base, commit_message: `derived ${i}` },
          });
          return { status: r.status, number: r.body?.version?.number };
        },
      },
      {
        api: 'promptlayer PATCH version',
        write: async (target, base, i) => {
          const r = await call('PATCH', `/rest/prompt-templates/${encodeURIComponent(target.name)}`, {
            body: { version: base, commit_message: `derived ${i}` },
          });
          return { status: r.status, number: r.body?.version_number };
        },
      },
    ];
    for (const b of baseNamers) {
      it(`${b.api}: a writer that names its base builds on that base, never a newer one`, async () => {
        const target = await createTarget(call, `race-base-${b.api.replace(/\W+/g, '-')}`);
        for (let n = 2; n <= 4; n++) {
          const r = await call('POST', `/v1/prompts/${target.id}/versions`, {
            body: { messages: [{ role: 'user', content: `base content ${n}` }] },
          });
          expect(r.status).toBe(201);
        }
        const results = await Promise.all(
          Array.from({ length: 32 }, (_, i) =>
            b.write(target, 1 + (i % 4), i).then((r) => ({ ...r, base: 1 + (i % 4) })),
          ),
        );
        expect(
          results.filter((r) => r.status >= 300),
          JSON.stringify(results.find((r) => r.status >= 300)),
        ).toEqual([]);
        const rows = await versionRows(t.store, target.id);
        const textOf = (n: number) => rows.find((r) => r.number === n)!.text;
        for (const r of results) expect(textOf(r.number!)).toBe(textOf(r.base));
        expect(new Set(results.map((r) => r.number)).size).toBe(results.length);
        expect(await checkInvariants(t.store)).toEqual([]);
      });
    }
  });
}
