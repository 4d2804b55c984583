// The ten user journeys of the web UI, each in a real Chromium against a real Lectern on PGlite.
// Every action goes through the UI; the API is used only to set up data and to check the outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedPrompt, seedVersion, signIn, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = (text: string, extra: Record<string, unknown> = {}) => ({
  template_format: 'mustache',
  messages: [{ role: 'user', content: text }],
  ...extra,
});

async function openPrompt(page: Page, name: string, tab?: string) {
  await page.evaluate(
    ([n, t]) => {
      window.location.hash = `#/prompts/${encodeURIComponent(n!)}${t ? `?tab=${t}` : ''}`;
    },
    [name, tab],
  );
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('web UI journeys', () => {
  it('1. signs in with a key, shows its role and workspace, refuses a wrong key, and switches workspace', async () => {
    await seedPrompt(h.t, { name: 'j1/in-default', version: chat('hi') });
    await seedPrompt(h.t, { name: 'j1/in-other', version: chat('hi') }, h.t.keys.otherEditor);
    const page = await h.page();
    await page.getByLabel('API key').fill('lec_not_a_real_key_000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    // The key is never put in the URL, and not in localStorage unless asked.
    expect(page.url()).not.toContain('lec_');

    await signIn(page, h.t.keys.editor);
    await expect.poll(() => page.getByLabel('Role editor').isVisible()).toBe(true);
    await expect.poll(() => page.getByLabel('Workspace default').isVisible()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('lectern.key'))).toBeNull();
    expect(await page.evaluate(() => sessionStorage.getItem('lectern.key'))).toBe(h.t.keys.editor);
    expect(page.url()).not.toContain(h.t.keys.editor);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // An all-workspace admin key switches workspace; the list follows.
    await signIn(page, h.t.keys.admin);
    await expect.poll(() => page.getByLabel('Role admin').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'j1/in-default' }).waitFor();
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption('other');
    await page.getByRole('link', { name: 'j1/in-other' }).waitFor();
    expect(await page.getByRole('link', { name: 'j1/in-default' }).count()).toBe(0);
  });

  it('2. finds prompts through folders, breadcrumbs, search over text and tags, filters and sorting', async () => {
    await seedPrompt(h.t, { name: 'j2/support/reply', tags: ['mail'], version: chat('Dear {{customer}}, about your parcel') });
    await seedPrompt(h.t, { name: 'j2/support/escalate', version: chat('Escalate now', { template_format: 'jinja2' }) });
    const labelled = await seedPrompt(h.t, { name: 'j2/sales/pitch', tags: ['deal'], version: chat('Buy it') });
    await h.t.call('PUT', `/v1/prompts/${labelled.prompt.id}/labels/production`, { body: { version: 1 } });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    // Folder tree and breadcrumbs.
    const tree = page.getByRole('tree', { name: 'Folder tree' });
    await tree.getByRole('link', { name: /^j2/ }).click();
    await tree.getByRole('link', { name: /^support/ }).click();
    await page.getByRole('heading', { level: 1, name: 'support' }).waitFor();
    await page.getByRole('link', { name: 'j2/support/reply' }).waitFor();
    expect(await page.getByRole('link', { name: 'j2/sales/pitch' }).count()).toBe(0);
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'j2' }).click();
    await page.getByRole('link', { name: 'j2/sales/pitch' }).waitFor();
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'All prompts' }).click();

    const rows = () => page.getByRole('table', { name: 'Prompts' }).getByRole('row').allTextContents();
    const search = page.getByRole('searchbox', { name: 'Search' });
    // Search reaches template text and tags, not only names.
    await search.fill('parcel');
    await expect.poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0])).toEqual(['j2/support/reply']);
    await search.fill('deal');
    await expect.poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0])).toEqual(['j2/sales/pitch']);
    await search.fill('j2/');
    await expect.poll(async () => (await rows()).length).toBe(4);
    const names = async () => (await rows()).slice(1).map((r) => r.split('v1')[0]);
    // Label present / absent, template format.
    await page.getByRole('textbox', { name: 'Has label' }).fill('production');
    await expect.poll(names).toEqual(['j2/sales/pitch']);
    await page.getByRole('textbox', { name: 'Has label' }).fill('');
    await page.getByRole('textbox', { name: 'Lacks label' }).fill('production');
    await expect.poll(async () => (await names()).sort()).toEqual(['j2/support/escalate', 'j2/support/reply']);
    await page.getByRole('textbox', { name: 'Lacks label' }).fill('');
    await page.getByRole('combobox', { name: 'Template format' }).selectOption('jinja2');
    await expect.poll(names).toEqual(['j2/support/escalate']);
    await page.getByRole('combobox', { name: 'Template format' }).selectOption('');
    await page.getByRole('textbox', { name: 'Tag' }).fill('mail');
    await expect.poll(names).toEqual(['j2/support/reply']);
    await page.getByRole('textbox', { name: 'Tag' }).fill('');
    await page.getByLabel('Updated since').fill('2999-01-01');
    await expect.poll(async () => (await rows()).length).toBe(1);
    await page.getByLabel('Updated since').fill('');
    // Sortable columns: name ascending, then descending.
    await page.getByRole('button', { name: 'Name' }).click();
    await expect.poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0])).toEqual([
      'j2/sales/pitch',
      'j2/support/escalate',
      'j2/support/reply',
    ]);
    expect(await page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Name' }).click();
    await expect.poll(async () => (await rows())[1]?.split('v1')[0]).toBe('j2/support/reply');
  });

  it('3. reads a prompt: timeline, structured settings, variables, and which API wrote it', async () => {
    const p = await seedPrompt(h.t, {
      name: 'j3/reader',
      version: {
        ...chat('Hello {{name}} from {{city}}'),
        model: 'gpt-4o',
        provider: 'openai',
        params: { temperature: 0.3 },
        tools: [{ type: 'function', function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } } }],
        tool_choice: 'auto',
        response_format: { type: 'json_object' },
        fallback_models: ['gpt-4o-mini'],
        load_balance_models: [{ model: 'gpt-4o', weight: 2 }],
        variable_defaults: { city: 'Paris' },
        commit_message: 'first cut',
      },
    });
    await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 1 } });
    // A version written through PromptLayer's API, then a draft.
    const pl = await h.t.app.inject({
      method: 'POST',
      url: '/rest/prompt-templates',
      headers: { 'x-api-key': h.t.keys.editor, 'content-type': 'application/json' },
      payload: {
        prompt_template: { prompt_name: 'j3/reader' },
        prompt_version: {
          prompt_template: { type: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi {name}' }] }] },
          commit_message: 'from PL',
        },
      },
    });
    expect(pl.statusCode, pl.body).toBeLessThan(300);
    await seedVersion(h.t, p.prompt.id, { ...chat('Hi {{name}}'), status: 'draft', commit_message: 'wip' });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    await openPrompt(page, 'j3/reader');
    const timeline = page.getByRole('list', { name: 'Version timeline' });
    await timeline.getByRole('button', { name: /Version 3 \(draft\): wip/ }).waitFor();
    await timeline.getByRole('button', { name: /Version 1: first cut/ }).click();
    const v = page.getByRole('region', { name: 'Version 1' });
    await v.getByText('production').first().waitFor();
    expect(await v.getByRole('definition').allTextContents()).toEqual(expect.arrayContaining(['gpt-4o', 'openai', 'gpt-4o-mini', '0.3']));
    expect(await v.getByText('lookup_order').count()).toBe(1);
    expect(await v.getByText('Tool choice:').textContent()).toContain('auto');
    expect(await v.getByText('json_object').count()).toBe(1);
    expect(await v.getByRole('table', { name: 'Load-balance models' }).textContent()).toContain('gpt-4o2');
    expect(await v.getByRole('rowheader', { name: 'city' }).count()).toBe(1);
    expect(await v.getByRole('row', { name: /city Paris/ }).count()).toBe(1);
    expect(await v.getByText(/written through native API/).count()).toBe(1);
    await timeline.getByRole('button', { name: /Version 2: from PL/ }).click();
    await page.getByRole('region', { name: 'Version 2' }).getByText(/written through PromptLayer API/).waitFor();
  });

  it('4. compares two versions and a version with the unsaved draft in the editor', async () => {
    const p = await seedPrompt(h.t, { name: 'j4/cmp', version: chat('Hello {{name}}', { params: { temperature: 0.1 } }) });
    await seedVersion(h.t, p.prompt.id, chat('Hello {{name}} in {{city}}', { params: { temperature: 0.9 } }));
    const page = await h.page();
    await signIn(page, h.t.keys.editor);
    await openPrompt(page, 'j4/cmp', 'compare');
    await page.getByRole('combobox', { name: 'From' }).selectOption('1');
    await page.getByRole('combobox', { name: 'To' }).selectOption('2');
    const diff = page.getByRole('region', { name: /Differences between v1 and v2/ });
    await diff.locator('ins', { hasText: 'Hello {{name}} in {{city}}' }).waitFor();
    expect(await diff.locator('del', { hasText: 'Hello {{name}}' }).count()).toBeGreaterThan(0);
    expect(await diff.getByRole('row', { name: /params\.temperature 0\.1 0\.9/ }).count()).toBe(1);
    expect(await diff.getByText('+ city').count()).toBe(1);
    // Edit without saving, then compare the saved version with the editor's content.
    await page.getByRole('tab', { name: 'Edit' }).click();
    const editor = page.getByRole('textbox', { name: 'Message 1 template' });
    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' today');
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('combobox', { name: 'From' }).selectOption('2');
    await page.getByRole('combobox', { name: 'To' }).selectOption('editor');
    const d2 = page.getByRole('region', { name: /Differences between v2 and unsaved edit/ });
    await d2.locator('ins', { hasText: 'in {{city}} today' }).waitFor();
  });
});
