// The races that several registry calls per request used to hide (issue 12), each as concurrent
// requests through the real routes. Each of these failed while a dialect route chained two or more
// transactions (or read outside the one it wrote in); with one registry write per request, each
// request is all or nothing and sees what the one before it wrote. On PGlite (one connection,
// transactions serialised) they pass trivially; PostgreSQL is where the interleavings happen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkInvariants, rows } from '../support/invariants.ts';
import { createTarget, type Call } from '../support/writers.ts';

const TRIALS = 12;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`write races on ${backend.name}`, () => {
    let t: TestApp;
    let call: Call;
    beforeAll(async () => {
      t = await startTestApp(backend);
      call = t.call as Call;
    });
    afterAll(() => t?.close());

    it('concurrent Keywords AI prompt PATCHes of different fields keep every field', async () => {
      for (let i = 0; i < TRIALS; i++) {
        const p = await createTarget(call, `kw-patch-${i}`);
        const url = `/api/prompts/${p.hex}/`;
        const answers = await Promise.all([
          call('PATCH', url, { body: { starred: true } }),
          call('PATCH', url, { body: { prompt_slug: `slug-${i}` } }),
          call('PATCH', url, { body: { description: `about ${i}` } }),
          // A native metadata merge target: the same row, written through another API.
          call('PATCH', url, { body: { name: `kw-patch-${i}` } }),
        ]);
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
        const got = (await call('GET', url)).body;
        expect({ starred: got.starred, slug: got.prompt_slug, description: got.description }).toEqual({
          starred: true,
          slug: `slug-${i}`,
          description: `about ${i}`,
        });
      }
    });

    it('a workspace delete racing a prompt create never leaves a live prompt in a deleted workspace', async () => {
      const admin = t.keys.admin;
      for (let i = 0; i < TRIALS; i++) {
        const ws = `race-ws-${i}`;
        expect((await call('POST', '/v1/workspaces', { key: admin, body: { name: ws } })).status).toBe(201);
        const [del, created] = await Promise.all([
          call('DELETE', `/v1/workspaces/${ws}`, { key: admin }),
          call('POST', `/v1/prompts?workspace=${ws}`, { key: admin, body: { name: 'p' } }),
        ]);
        const deleted = del.status >= 200 && del.status < 300;
        // Exactly one of the two wins: a created prompt keeps its workspace (409 for the delete),
        // or the deleted workspace refuses the create (404).
        expect({ deleted, created: created.status }).toEqual(
          deleted ? { deleted, created: 404 } : { deleted, created: 201 },
        );
        if (!deleted) expect(del.status).toBe(409);
      }
      expect(await checkInvariants(t.store)).toEqual([]);
    });

    it('a Keywords AI commit racing a prompt delete answers 201 with both writes, or an error with none', async () => {
      for (let i = 0; i < TRIALS; i++) {
        const p = await createTarget(call, `kw-commit-${i}`);
        const base = `/api/prompts/${p.hex}`;
        const draft = await call('POST', `${base}/versions/`, {
          body: { messages: [{ role: 'user', content: `draft ${i}` }], model: 'gpt-4o' },
        });
        expect(draft.status).toBe(201);
        const [commit] = await Promise.all([
          call('POST', `${base}/commits/`, { body: { description: `c${i}` } }),
          call('DELETE', `${base}/`),
        ]);
        const vs = await rows(
          t.store,
          `select number, status from versions where prompt_id = '${p.id}' order by number`,
        );
        if (commit.status === 201) {
          expect(vs.map((v) => [Number(v.number), v.status])).toEqual([
            [1, 'committed'],
            [2, 'committed'],
            [3, 'draft'],
          ]);
        } else {
          expect(commit.status).toBe(404);
          // Refused: the draft is still the draft, and no new draft was opened.
          expect(vs.map((v) => [Number(v.number), v.status])).toEqual([
            [1, 'committed'],
            [2, 'draft'],
          ]);
        }
      }
    });

    it('a Keywords AI version PATCH with deploy racing a delete writes the edit and the deploy together or not at all', async () => {
      for (let i = 0; i < TRIALS; i++) {
        const p = await createTarget(call, `kw-deploy-${i}`);
        const base = `/api/prompts/${p.hex}`;
        const draft = await call('POST', `${base}/versions/`, {
          body: { messages: [{ role: 'user', content: `draft ${i}` }], model: 'gpt-4o' },
        });
        expect(draft.status).toBe(201);
        const [patch] = await Promise.all([
          call('PATCH', `${base}/versions/2/`, {
            body: { messages: [{ role: 'user', content: `edited ${i}` }], deploy: true },
          }),
          call('DELETE', `${base}/`),
        ]);
        const [v] = await rows(
          t.store,
          `select v.status, v.messages::text as messages,
                  exists (select 1 from labels l where l.version_id = v.id and l.name = 'production') as live
             from versions v where v.prompt_id = '${p.id}' and v.number = 2`,
        );
        if (patch.status === 200) {
          expect({ status: v!.status, live: v!.live }).toEqual({ status: 'committed', live: true });
          expect(String(v!.messages)).toContain(`edited ${i}`);
        } else {
          expect(patch.status).toBe(404);
          expect({ status: v!.status, live: v!.live }).toEqual({ status: 'draft', live: false });
          expect(String(v!.messages)).not.toContain(`edited ${i}`);
        }
      }
    });

    it('concurrent PromptLayer label creates of one name: one 200, the other 409', async () => {
      const p = await createTarget(call, 'pl-label-race');
      for (let i = 0; i < TRIALS; i++) {
        const answers = await Promise.all(
          [1, 1].map(() =>
            call('POST', `/prompts/${p.seq}/label`, { body: { name: `rc-${i}`, prompt_version_number: 1 } }),
          ),
        );
        expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      }
      const [n] = await rows(
        t.store,
        `select count(*)::int as n from label_history where prompt_id = '${p.id}' and label_name like 'rc-%'`,
      );
      expect(Number(n!.n)).toBe(TRIALS);
    });
  });
}
