// The request-log journey in a real Chromium against a real Lectern on PGlite: per-version usage
// (table and chart) on the prompt page, then the request-log page — filter, open one record and
// read its full request and response. Records are logged through the API (setup); everything the
// user does goes through the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  screenshot,
  seedPrompt,
  seedVersion,
  signIn,
  startHarness,
  type Harness,
} from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = (text: string) => ({ template_format: 'mustache', messages: [{ role: 'user', content: text }] });

describe('request log in the web UI', () => {
  // 27 s alone at load 20 (the default is 30 s).
  it(
    'shows per-version usage on the prompt page and the full request on the log page',
    { timeout: 90_000 },
    async () => {
      const p = await seedPrompt(h.t, { name: 'rl/answerer', version: chat('v1 {{q}}') });
      await seedVersion(h.t, p.prompt.id, chat('v2 {{q}}'));
      await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 2 } });
      const calls = [
        ...Array.from({ length: 6 }, (_, i) => ({ v: 1, latency: 400 + i * 10, status: 'success' })),
        // A slow failure: past 10 s a latency reads in seconds in the usage table and in the log alike.
        { v: 1, latency: 15_200, status: 'error' },
        ...Array.from({ length: 4 }, (_, i) => ({ v: 2, latency: 200 + i * 10, status: 'success' })),
      ];
      for (const [i, c] of calls.entries()) {
        const r = await h.t.call('POST', '/v1/request-logs', {
          body: {
            prompt_id: p.prompt.id,
            version_number: c.v,
            model: 'gpt-4o-mini',
            latency_ms: c.latency,
            status: c.status,
            input_tokens: 30,
            output_tokens: 12,
            customer_identifier: i % 2 ? 'acme' : 'globex',
            request: { messages: [{ role: 'user', content: `question number ${i}` }] },
            response: { choices: [{ message: { role: 'assistant', content: `answer number ${i}` } }] },
            ...(c.status === 'error' ? { error_message: 'upstream 500', status_code: 500 } : {}),
          },
        });
        expect(r.status).toBe(202);
      }
      await h.t.registry.flushRequestLog();

      const page = await h.page();
      await signIn(page, h.t.keys.viewer);
      await page.evaluate(() => {
        window.location.hash = '#/prompts/rl%2Fanswerer?tab=usage';
      });
      const table = page.getByRole('table', { name: 'Usage per version' });
      await table.waitFor();
      const rows = async () => (await table.getByRole('row').allTextContents()).slice(1);
      await expect.poll(rows).toHaveLength(2);
      const [v2, v1] = await rows();
      expect(v2).toMatch(/^v24/); // version 2, 4 requests
      expect(v1).toMatch(/^v17/);
      expect(v1).toContain('14.3%'); // 1 error in 7
      // p95 (interpolated towards the slow failure) in seconds, as the log's own latencies read.
      expect(v1).toMatch(/\d+\.\d s/);
      await page.getByRole('img', { name: /Requests over time/ }).waitFor();
      await expectAccessible(page, 'usage tab');
      await screenshot(page, 'request-log-usage');

      // The label view: only the version production pointed to.
      await page.getByRole('combobox', { name: 'Label' }).selectOption('production');
      await expect.poll(rows).toHaveLength(1);
      expect((await rows())[0]).toMatch(/^v2/);

      // The log page, filtered to errors of this prompt; open the record.
      await page.getByRole('link', { name: 'Request log', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Request log' }).waitFor();
      const logRows = page.getByRole('table', { name: 'Logged requests' }).getByRole('row');
      await expect.poll(() => logRows.count()).toBe(12);
      await page.getByRole('textbox', { name: 'Prompt' }).fill('rl/answerer');
      await page.getByRole('combobox', { name: 'Status' }).selectOption('error');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => logRows.count()).toBe(2);
      await page.getByRole('button', { name: /^Open request/ }).click();
      const detail = page.getByRole('article', { name: /^Request / });
      await detail.waitFor();
      // It opens right under its row, inside the table, not below a page of rows.
      await expect
        .poll(() => page.getByRole('table', { name: 'Logged requests' }).getByRole('article').count())
        .toBe(1);
      expect(await page.getByRole('button', { name: /^Close request/ }).getAttribute('aria-expanded')).toBe(
        'true',
      );
      await expect
        .poll(() => detail.getByLabel('Request', { exact: true }).textContent())
        .toContain('question number 6');
      expect(await detail.getByLabel('Response', { exact: true }).textContent()).toContain('answer number 6');
      expect(await detail.textContent()).toContain('upstream 500');
      expect(await detail.textContent()).toContain('15.2 s');
      await expectAccessible(page, 'request log page');
      await screenshot(page, 'request-log-page');
      // Clear filters empties the form and shows every record again.
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => logRows.count()).toBe(12);
      expect(await page.getByRole('textbox', { name: 'Prompt' }).inputValue()).toBe('');
      expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('');
      expect(await page.getByRole('button', { name: 'Clear filters' }).count()).toBe(0);
    },
  );
});
