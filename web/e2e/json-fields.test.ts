// The version editor's JSON fields (tools, tool_choice, response_format): a CodeMirror JSON editor,
// a syntax error shown at its line and column before save (and saving blocked), the change shown in
// the diff review, and the saved version carrying it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPrompt, signIn, startHarness, type Harness } from './harness.ts';
import type { ResponseOf } from '../../test/support/app.ts';
import type { schema as versionsGet } from '../../src/dialects/native/routes/versions-get.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const tool = (name: string) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: {} } },
});

describe('JSON fields in the version editor', () => {
  it('edits tools, tool choice and response format with line/column errors and a reviewed diff', async () => {
    await seedPrompt(h.t, {
      name: 'json/tools',
      version: { messages: [{ role: 'user', content: 'Hi' }], tools: [tool('lookup')], tool_choice: 'auto' },
    });
    const page = await h.page();
    await signIn(page, h.t.keys.editor);
    await page.evaluate(() => {
      window.location.hash = `#/prompts/${encodeURIComponent('json/tools')}?tab=edit`;
    });
    const tools = page.getByRole('textbox', { name: 'Tools (JSON)' });
    await page.locator('.json-fields .cm-content').first().waitFor();
    // The stored tools are in the editor as JSON.
    await expect.poll(() => tools.textContent()).toContain('"lookup"');

    await tools.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('[\n  {"type": "function", "function": {"name": "search",}}\n]');
    const err = page.getByRole('alert').filter({ hasText: 'JSON error' });
    await expect.poll(() => err.textContent()).toMatch(/at line 2, column \d+: Tools is not valid JSON/);
    expect(await page.getByRole('button', { name: 'Review and save' }).isDisabled()).toBe(true);
    // The editor marks the spot too (a CodeMirror diagnostic).
    await page.locator('.json-fields .cm-lintRange-error').first().waitFor();

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(JSON.stringify([tool('search')]));
    await expect.poll(() => err.count()).toBe(0);

    const format = page.getByRole('textbox', { name: 'Response format (JSON)' });
    await format.click();
    await page.keyboard.type('["not an object"]');
    await expect.poll(() => err.textContent()).toContain('Response format must be a JSON object');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('{"type": "json_object"}');
    await expect.poll(() => err.count()).toBe(0);

    await page.getByRole('textbox', { name: 'Tool choice (JSON)' }).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('"required"');

    await page.getByRole('button', { name: 'Review and save' }).click();
    const review = page.getByRole('dialog', { name: 'Review changes' });
    const settings = review.getByRole('rowheader');
    await settings.first().waitFor();
    expect(await settings.allTextContents()).toEqual([
      'tools[0].function.name',
      'tool_choice',
      'response_format',
    ]);
    expect(await review.getByRole('table').last().textContent()).toContain('search');
    await review.getByRole('button', { name: 'Save version' }).click();
    await page
      .getByRole('list', { name: 'Version timeline' })
      .getByRole('button', { name: /^Version 2/ })
      .waitFor();
    const v2 = await h.t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/json%2Ftools/versions/2');
    expect(v2.body.version).toMatchObject({
      tools: [tool('search')],
      tool_choice: 'required',
      response_format: { type: 'json_object' },
    });
  });
});
