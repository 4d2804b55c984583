// The request log's loss window, on a real server process, both backends (docs/request-log.md):
// - a clean stop (SIGTERM) flushes every acknowledged record;
// - after `kill -9`, every record that was committed (201, `wait=commit`) or flushed (a full batch,
//   or one flush interval ago) is there; only 202-answered records of the last flush interval may
//   be missing. The interval is set long here so that window is certain to be open at the kill.
import { afterAll, describe, expect, it } from 'vitest';
import { backends, pgUrl } from '../support/stores.ts';
import { freshPlace, httpCall, startOn, type DataPlace } from '../support/child-place.ts';
import { dropPlace } from '../support/crash.ts';
import type { ChildServer } from '../support/child-server.ts';

const ENV = { LECTERN_REQUEST_LOG_FLUSH_MS: '60000', LECTERN_REQUEST_LOG_BATCH: '20' };

for (const backend of backends) {
  describe.skipIf(!backend.available)(`request log across stops and crashes on ${backend.name}`, () => {
    const places: DataPlace[] = [];
    const children: ChildServer[] = [];
    afterAll(async () => {
      for (const c of children) await c.stop('SIGKILL');
      for (const p of places) await dropPlace(p);
    });

    const start = async (place: DataPlace) => {
      const c = await startOn(place, ENV);
      children.push(c);
      return c;
    };

    async function logMany(url: string, tag: string, n: number, commit = false): Promise<string[]> {
      const call = httpCall(url);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await call('POST', `/v1/request-logs${commit ? '?wait=commit' : ''}`, {
          body: { model: 'm', metadata: { tag, i } },
        });
        expect(r.status).toBe(commit ? 201 : 202);
        ids.push((r.body as { id: string }).id);
      }
      return ids;
    }

    async function present(url: string): Promise<Set<string>> {
      const call = httpCall(url);
      const ids = new Set<string>();
      let cursor: string | null = null;
      do {
        const r = await call('GET', `/v1/request-logs?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        const body = r.body as { data: { id: string }[]; next_cursor: string | null };
        for (const d of body.data) ids.add(d.id);
        cursor = body.next_cursor;
      } while (cursor);
      return ids;
    }

    // One data place for both checks: a fresh start is the slow part (PGlite's initdb).
    it('a clean stop flushes every acknowledged record; kill -9 loses at most the last interval', async () => {
      const place = freshPlace(backend.name, backend.name === 'postgres' ? pgUrl() : undefined);
      places.push(place);
      const a = await start(place);
      // 15 < the batch size, 60 s interval: all still queued when the stop comes.
      const queued = await logMany(a.url, 'queued', 15);
      expect(await a.stop('SIGTERM')).toBe(0);

      const b = await start(place);
      let got = await present(b.url);
      expect(
        queued.filter((id) => !got.has(id)),
        'a clean stop lost records',
      ).toEqual([]);
      const flushed = await logMany(b.url, 'batch', 20); // a full batch: flushed by size
      const committed = await logMany(b.url, 'durable', 5, true);
      // The full batch has been written once it is readable.
      for (let t = 0; ; t++) {
        got = await present(b.url);
        if (flushed.every((id) => got.has(id))) break;
        expect(t, 'the full batch was never flushed').toBeLessThan(100);
        await new Promise((r) => setTimeout(r, 100));
      }
      const window = await logMany(b.url, 'window', 7); // acknowledged, still queued
      b.proc.kill('SIGKILL');
      await b.exited;

      const c = await start(place);
      got = await present(c.url);
      expect(
        flushed.filter((id) => !got.has(id)),
        'flushed records lost',
      ).toEqual([]);
      expect(
        committed.filter((id) => !got.has(id)),
        'committed records lost',
      ).toEqual([]);
      // Whatever is missing is from the open window, and nothing appeared that was never logged.
      const known = new Set([...queued, ...flushed, ...committed, ...window]);
      const strays = [...got].filter((id) => !known.has(id));
      expect(strays, `records no request of this test logged, e.g. ${strays[0] ?? ''}`).toEqual([]);
      // Ids are never reused after a crash: new records get fresh ones.
      const after = await logMany(c.url, 'after', 3, true);
      for (const id of after) expect(known.has(id)).toBe(false);
      await c.stop('SIGTERM');
    }, 120_000); // three server starts: about 10 s on a quiet machine, far more on a loaded one
  });
}
