// Fair rendering between API keys: one key sending render bombs as fast as it can (24 at once,
// through the native API and PromptLayer's get) holds at most one render thread and a bounded
// queue; past it, it is refused with 429 and Retry-After in each API's envelope, and every other
// key's renders — small ones (rendered inline) and ones with loops (rendered on a thread) — are
// delayed by less than one render budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../../src/templates/index.ts';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../support/app.ts';
import type { schema as nativePromptsCreate } from '../../src/dialects/native/routes/prompts-create.ts';
import type { schema as nativeRenderPrompt } from '../../src/dialects/native/routes/render-prompt.ts';
import type { schema as nativeRenderStateless } from '../../src/dialects/native/routes/render-stateless.ts';
import type { schema as promptlayerGetRendered } from '../../src/dialects/promptlayer/routes/get-rendered.ts';

const BOMB = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`render fairness on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // A queue of 16 per key (the default is 256): 48 bombs from one key must overflow it.
      t = await startTestApp(backend, { renderQueuePerKey: 16 });
    });
    afterAll(() => t?.close());

    async function prompt(name: string, format: string, content: string) {
      const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name, version: { template_format: format, messages: [{ role: 'user', content }] } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.prompt as { id: string; seq: number };
    }

    it("24 concurrent render bombs from one key: refused past a bounded queue, other keys' renders not held back", async () => {
      const bombPrompt = await prompt('bomb', 'jinja2', BOMB);
      const small = await prompt('small', 'mustache', 'Hello {{name}}, about {{topic}}.');
      const looped = await prompt(
        'looped',
        'jinja2',
        '{% for i in range(3) %}{{ i }} {{ name }} {% endfor %}',
      );
      // Start the render threads and read the prompts first: a thread's start-up and a first
      // (uncached) look-up are not what this measures.
      await t.call('POST', `/prompt-templates/${small.seq}`, { body: { input_variables: { name: 'A' } } });
      await t.call('POST', `/v1/prompts/${small.id}/render`, {
        body: { variables: { name: 'A', topic: 'x' } },
      });
      await Promise.all([
        t.call('POST', `/v1/prompts/${looped.id}/render`, { body: { variables: { name: 'a' } } }),
        t.call('POST', `/v1/prompts/${looped.id}/render`, {
          key: t.keys.admin,
          body: { variables: { name: 'b' } },
        }),
      ]);

      const nativeBombs = Array.from({ length: 24 }, () =>
        t.call<ResponseOf<typeof nativeRenderStateless, '4xx'>>('POST', '/v1/render', {
          key: t.keys.viewer,
          body: { format: 'jinja2', template: BOMB, variables: {} },
        }),
      );
      const plBombs = Array.from({ length: 24 }, () =>
        t.call<ResponseOf<typeof promptlayerGetRendered, 429>>(
          'POST',
          `/prompt-templates/${bombPrompt.seq}`,
          {
            key: t.keys.viewer,
            body: { input_variables: { x: 1 } },
          },
        ),
      );
      let done = false;
      const all = Promise.all([Promise.all(nativeBombs), Promise.all(plBombs)]).finally(() => (done = true));

      // Another key's renders while the bombs run: PromptLayer get with input_variables, native
      // render of a small template and of one with a loop (a thread's work).
      const waits: [string, number][] = [];
      await new Promise((r) => setTimeout(r, 50));
      while (!done) {
        for (const [what, send] of [
          [
            'promptlayer get',
            () =>
              t.call<ResponseOf<typeof promptlayerGetRendered>>('POST', `/prompt-templates/${small.seq}`, {
                body: { input_variables: { name: 'Ada', topic: 'x' } },
              }),
          ],
          [
            'native small',
            () =>
              t.call<ResponseOf<typeof nativeRenderPrompt>>('POST', `/v1/prompts/${small.id}/render`, {
                body: { variables: { name: 'Ada', topic: 'x' } },
              }),
          ],
          [
            'native loop',
            () =>
              t.call<ResponseOf<typeof nativeRenderPrompt>>('POST', `/v1/prompts/${looped.id}/render`, {
                body: { variables: { name: 'Ada' } },
              }),
          ],
        ] as const) {
          const t0 = performance.now();
          const r = await send();
          waits.push([what, performance.now() - t0]);
          expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const [native, pl] = await all;
      const results = [...native, ...pl];

      console.log(JSON.stringify([...waits].sort((a, b) => b[1] - a[1]).slice(0, 8)), waits.length);
      const worst = waits.reduce((a, b) => (b[1] > a[1] ? b : a));
      expect(waits.length).toBeGreaterThan(10);
      expect(
        worst[1],
        `${worst[0]} took ${Math.round(worst[1])} ms while another key sent bombs`,
      ).toBeLessThan(DEFAULT_TIMEOUT_MS);

      for (const r of results) expect([422, 429], JSON.stringify(r.body).slice(0, 200)).toContain(r.status);
      const refusedNative = native.filter((r) => r.status === 429);
      const refusedPl = pl.filter((r) => r.status === 429);
      // One running and 16 waiting are accepted; the 31 others are refused, in both APIs.
      expect(refusedNative.length + refusedPl.length).toBe(48 - 17);
      expect(refusedNative.length).toBeGreaterThan(0);
      expect(refusedPl.length).toBeGreaterThan(0);
      for (const r of refusedNative) {
        expect(r.body.error.code).toBe('render_busy');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      for (const r of refusedPl) {
        expect(r.body).toMatchObject({ success: false, error: 'Too Many Requests' });
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }, 60_000);
  });
}
