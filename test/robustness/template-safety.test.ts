// Template safety through every API that renders (native render, PromptLayer get with
// input_variables): injected variables stay text, sandbox escapes fail closed, and render bombs
// stop at the limit without holding other requests back for long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import type { Call } from '../support/writers.ts';

type Format = 'jinja2' | 'mustache' | 'f-string';
const LEAKS = /\[native code\]|function\s*\(|\[object |PATH=|node_modules|\/usr\/|process\.env/;

const INJECTED_VALUES = [
  '{{ 7*7 }}',
  '{% for x in range(3) %}LOOP{% endfor %}',
  '{0.__class__}',
  '{{#a}}SECTION{{/a}}',
  '${7*7}',
  '<b>&amp;</b> "quoted" = / \\',
];

const ESCAPES: Record<Format, string[]> = {
  jinja2: [
    "{{ ''.__class__.__mro__ }}",
    "{{ name.constructor.constructor('return this')() }}",
    '{{ cycler.__init__.__globals__ }}',
    '{{ self.__dict__ }}',
    "{{ name['constructor'] }}",
    "{{ range.constructor('return process')() }}",
  ],
  mustache: ['{{constructor}}', '{{__proto__}}', '{{name.constructor.name}}', '{{{toString}}}'],
  'f-string': ['{name.__class__.__init__.__globals__}', '{name.constructor}', '{name.__proto__}', '{0}'],
};

const BOMBS: [Format, string, Record<string, unknown>][] = [
  ['jinja2', '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}', {}],
  ['jinja2', "{% set s = 'xx' %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s }}", {}],
  [
    'mustache',
    '{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}xxxxxxxx{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}',
    { a: Array.from({ length: 200 }, (_, i) => i) },
  ],
  ['f-string', '{x:>999999999}', { x: 'y' }],
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`template safety on ${backend.name}`, () => {
    let t: TestApp;
    let call: Call;
    let counter = 0;
    beforeAll(async () => {
      t = await startTestApp(backend);
      call = t.call as Call;
    });
    afterAll(() => t?.close());

    async function promptWith(format: Format, content: string) {
      const r = await call('POST', '/v1/prompts', {
        body: {
          name: `tpl-${counter++}`,
          version: { template_format: format, messages: [{ role: 'user', content }] },
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.prompt as { id: string; seq: number };
    }

    /** Renders through both APIs; answers [status, rendered text] per API. */
    async function renderBoth(p: { id: string; seq: number }, variables: Record<string, unknown>) {
      const native = await call('POST', `/v1/prompts/${p.id}/render`, {
        body: { variables, mode: 'lenient' },
      });
      const pl = await call('POST', `/prompt-templates/${p.seq}`, { body: { input_variables: variables } });
      return [
        ['native', native.status, JSON.stringify(native.body?.messages ?? native.body)],
        ['promptlayer', pl.status, JSON.stringify(pl.body?.prompt_template ?? pl.body)],
      ] as [string, number, string][];
    }

    const HELLO: Record<Format, string> = {
      jinja2: 'Hello {{ name }}!',
      mustache: 'Hello {{name}}!',
      'f-string': 'Hello {name}!',
    };

    for (const format of ['jinja2', 'mustache', 'f-string'] as Format[]) {
      it(`${format}: injected variable values are rendered as text, never evaluated`, async () => {
        const p = await promptWith(format, HELLO[format]);
        for (const value of INJECTED_VALUES) {
          for (const [api, status, text] of await renderBoth(p, { name: value, a: [1] })) {
            expect(status, `${api} ${value}`).toBe(200);
            // No engine HTML-escapes (prompts are not HTML): the value comes through verbatim.
            expect(text, `${api} ${value}`).toContain(JSON.stringify(value).slice(1, -1));
            expect(text).not.toMatch(/LOOPLOOP|SECTION[^{]|\b49\b/);
          }
        }
      });

      it(`${format}: sandbox escapes in the template fail closed`, async () => {
        for (const tpl of ESCAPES[format]) {
          const p = await promptWith(format, tpl);
          for (const [api, status, text] of await renderBoth(p, { name: 'n' })) {
            expect(status, `${api} ${tpl}`).toBeLessThan(500);
            if (status === 200) expect(text, `${api} ${tpl}`).not.toMatch(LEAKS);
          }
        }
      });
    }

    it('render bombs stop at the limit and hold back no other request (renders run off the event loop)', async () => {
      for (const [format, tpl, vars] of BOMBS) {
        const p = await promptWith(format, tpl);
        const cheapTarget = await promptWith('mustache', 'cheap');
        for (const send of [
          () => call('POST', `/v1/prompts/${p.id}/render`, { body: { variables: vars } }),
          () => call('POST', `/prompt-templates/${p.seq}`, { body: { input_variables: vars } }),
        ]) {
          const counts = { ...t.app.renderer.counts };
          const started = performance.now();
          let bombDone = false;
          const bomb = send()
            .then((r) => ({ r, ms: performance.now() - started }))
            .finally(() => {
              bombDone = true;
            });
          // While the bomb renders: the longest the event loop went without running a 5 ms timer
          // (a render on the event loop blocks it for the whole render), and cheap reads, paced.
          let last = performance.now();
          let longestStall = 0;
          const ticker = setInterval(() => {
            const now = performance.now();
            longestStall = Math.max(longestStall, now - last);
            last = now;
          }, 5);
          const cheapMs: number[] = [];
          while (!bombDone) {
            const t0 = performance.now();
            const cheap = await call('GET', `/v1/prompts/${cheapTarget.id}`);
            cheapMs.push(performance.now() - t0);
            expect(cheap.status).toBe(200);
            await new Promise((res) => setTimeout(res, 10));
          }
          const { r, ms } = await bomb;
          clearInterval(ticker);
          expect(
            [400, 413, 422],
            `${format} ${tpl} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
          ).toContain(r.status);
          expect(ms, `${format} bomb took ${ms} ms`).toBeLessThan(5_000);
          const worst = Math.max(...cheapMs);
          expect(worst, `a cheap request waited ${worst} ms behind a ${format} bomb`).toBeLessThan(2_000);
          // The guarantee itself, whatever the machine's load: the bomb rendered on a render thread
          // (at most its inline try ran on the event loop, under the inline budget of a few ms),
          // never to completion on the event loop. Only bombs render here (the cheap reads do not).
          expect(t.app.renderer.counts.thread - counts.thread, `${format} bomb on a thread`).toBe(1);
          expect(t.app.renderer.counts.inline - counts.inline, `${format} bomb inline`).toBe(0);
          // And what it means for the loop: a render on it would stall it for the whole render. A
          // loaded machine takes the process off its core for a while too (a third of the bomb's
          // time was seen), so the wall-clock bound is only that the loop ran during the render.
          if (ms >= 300) {
            expect(
              longestStall,
              `the event loop stalled ${Math.round(longestStall)} ms during a ${Math.round(ms)} ms ${format} bomb`,
            ).toBeLessThan(ms * 0.8);
          }
        }
      }
    }, 60_000);
  });
}
