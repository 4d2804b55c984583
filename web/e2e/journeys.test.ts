// The ten user journeys of the web UI, each in a real Chromium against a real Lectern on PGlite.
// Every action goes through the UI; the API is used only to set up data and to check the outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { seedPrompt, seedVersion, signIn, startHarness, type Harness } from './harness.ts';
import { startFakeOpenAi, type FakeUpstream } from '../../test/support/fake-openai-upstream.ts';
import { oneProvider, type ResponseOf } from '../../test/support/app.ts';
import type { schema as versionsGet } from '../../src/dialects/native/routes/versions-get.ts';
import type { schema as labelsList } from '../../src/dialects/native/routes/labels-list.ts';

let h: Harness;
let llm: FakeUpstream;

beforeAll(async () => {
  // The provider the gateway snippet's run reaches: a local OpenAI-compatible server.
  llm = await startFakeOpenAi();
  h = await startHarness({ gateway: { providers: oneProvider(llm.url, 'sk-e2e') } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a copied JavaScript snippet as pasted (ES module, this repo's node_modules) and what it printed. */
async function runSnippet(code: string, env: Record<string, string>, print = ''): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--input-type=module', '-e', `${code}\n${print}`],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
    },
  );
  return stdout;
}

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
    await seedPrompt(h.t, {
      name: 'j2/support/reply',
      tags: ['mail'],
      version: chat('Dear {{customer}}, about your parcel'),
    });
    await seedPrompt(h.t, {
      name: 'j2/support/escalate',
      version: chat('Escalate now', { template_format: 'jinja2' }),
    });
    const labelled = await seedPrompt(h.t, {
      name: 'j2/sales/pitch',
      tags: ['deal'],
      version: chat('Buy it'),
    });
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
    await page
      .getByRole('navigation', { name: 'Breadcrumbs' })
      .getByRole('link', { name: 'All prompts' })
      .click();

    const rows = () => page.getByRole('table', { name: 'Prompts' }).getByRole('row').allTextContents();
    const search = page.getByRole('searchbox', { name: 'Search' });
    // Search reaches template text and tags, not only names.
    await search.fill('parcel');
    await expect
      .poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0]))
      .toEqual(['j2/support/reply']);
    await search.fill('deal');
    await expect
      .poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0]))
      .toEqual(['j2/sales/pitch']);
    await search.fill('j2/');
    await expect.poll(async () => (await rows()).length).toBe(4);
    const names = async () => (await rows()).slice(1).map((r) => r.split('v1')[0]);
    // Label present / absent, template format.
    await page.getByRole('textbox', { name: 'Has label' }).fill('production');
    await expect.poll(names).toEqual(['j2/sales/pitch']);
    await page.getByRole('textbox', { name: 'Has label' }).fill('');
    await page.getByRole('textbox', { name: 'Lacks label' }).fill('production');
    await expect
      .poll(async () => (await names()).sort())
      .toEqual(['j2/support/escalate', 'j2/support/reply']);
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
    await expect
      .poll(async () => (await rows()).slice(1).map((r) => r.split('v1')[0]))
      .toEqual(['j2/sales/pitch', 'j2/support/escalate', 'j2/support/reply']);
    expect(await page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
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
        tools: [
          {
            type: 'function',
            function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } },
          },
        ],
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
          prompt_template: {
            type: 'chat',
            messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi {name}' }] }],
          },
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
    expect(await v.getByRole('definition').allTextContents()).toEqual(
      expect.arrayContaining(['gpt-4o', 'openai', 'gpt-4o-mini', '0.3']),
    );
    expect(await v.getByText('lookup_order').count()).toBe(1);
    expect(await v.getByText('Tool choice:').textContent()).toContain('auto');
    expect(await v.getByText('json_object').count()).toBe(1);
    expect(await v.getByRole('table', { name: 'Load-balance models' }).textContent()).toContain('gpt-4o2');
    expect(await v.getByRole('rowheader', { name: 'city' }).count()).toBe(1);
    expect(await v.getByRole('row', { name: /city Paris/ }).count()).toBe(1);
    expect(await v.getByText(/via native API/).count()).toBe(1);
    await timeline.getByRole('button', { name: /Version 2: from PL/ }).click();
    await page
      .getByRole('region', { name: 'Version 2' })
      .getByText(/via PromptLayer API/)
      .waitFor();
    await timeline
      .getByRole('button', { name: /Version 2: from PL/ })
      .getByText(/via PromptLayer API/)
      .waitFor();
  });

  it('4. compares two versions and a version with the unsaved draft in the editor', async () => {
    const p = await seedPrompt(h.t, {
      name: 'j4/cmp',
      version: chat('Hello {{name}}', { params: { temperature: 0.1 } }),
    });
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
    await page.locator('.cm-content').first().waitFor();
    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' today');
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('combobox', { name: 'From' }).selectOption('2');
    await page.getByRole('combobox', { name: 'To' }).selectOption('editor');
    const d2 = page.getByRole('region', { name: /Differences between v2 and unsaved edit/ });
    await d2.locator('ins', { hasText: 'in {{city}} today' }).waitFor();
  });

  it('5. writes: creates a prompt, edits with a syntax error shown at line and column, reviews the diff, saves, deletes and restores', async () => {
    const page = await h.page();
    await signIn(page, h.t.keys.editor);
    await page.getByRole('button', { name: 'New prompt' }).click();
    const dlg = page.getByRole('dialog', { name: 'New prompt' });
    await dlg.getByRole('textbox', { name: 'Name' }).fill('j5/writer');
    await dlg.getByRole('textbox', { name: 'First message (optional)' }).fill('Hello {{name}}');
    await dlg.getByRole('button', { name: 'Create prompt' }).click();
    await page.getByRole('heading', { level: 1, name: 'j5/writer' }).waitFor();

    await page.getByRole('tab', { name: 'Edit' }).click();
    const editor = page.getByRole('textbox', { name: 'Message 1 template' });
    await page.locator('.cm-content').first().waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Hello {{name}}\nYour order {{#items}}{{title}}');
    // The server's renderer finds the unclosed section before anything is saved.
    const err = page.getByRole('alert').filter({ hasText: 'Syntax error' });
    await expect.poll(() => err.textContent()).toMatch(/at line 2, column \d+/);
    expect(await page.getByRole('button', { name: 'Review and save' }).isDisabled()).toBe(true);
    // Live variable extraction follows the text.
    await page.keyboard.type('{{/items}} from {{city}}');
    await expect.poll(() => err.count()).toBe(0);
    const vars = page.getByRole('list', { name: 'Extracted variables' });
    await expect.poll(() => vars.textContent()).toContain('city');
    await page.getByRole('textbox', { name: 'Commit message' }).fill('list the items');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const review = page.getByRole('dialog', { name: 'Review changes' });
    await review.locator('ins', { hasText: 'Your order' }).waitFor();
    expect(await review.getByText('+ city').count()).toBe(1);
    await review.getByRole('button', { name: 'Save version' }).click();
    await page
      .getByRole('list', { name: 'Version timeline' })
      .getByRole('button', { name: /Version 2: list the items/ })
      .waitFor();
    const v2 = await h.t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/j5%2Fwriter/versions/2');
    expect(v2.body.version.status).toBe('committed');
    // The server's extraction: `title` is read inside the items section, not from the top.
    expect(v2.body.version.input_variables.sort()).toEqual(['city', 'items', 'name']);

    // Save into a draft, then the draft is what the editor edits.
    await page.getByRole('tab', { name: 'Edit' }).click();
    await page.locator('.cm-content').first().waitFor();
    await page.getByRole('textbox', { name: 'Message 1 template' }).click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('!');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page
      .getByRole('dialog', { name: 'Review draft' })
      .getByRole('button', { name: 'Save draft' })
      .click();
    await page
      .getByRole('list', { name: 'Version timeline' })
      .getByRole('button', { name: /Version 3 \(draft\)/ })
      .waitFor();

    // Delete, then find it among deleted prompts and restore it.
    await page.getByRole('button', { name: 'Delete prompt' }).click();
    await page.getByRole('dialog', { name: 'Delete prompt' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Restore prompt' }).waitFor();
    expect((await h.t.call('GET', '/v1/prompts/j5%2Fwriter')).status).toBe(404);
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Deleted prompts' }).check();
    await page.getByRole('link', { name: 'j5/writer' }).click();
    await page.getByRole('button', { name: 'Restore prompt' }).click();
    await page.getByRole('button', { name: 'Delete prompt' }).waitFor();
    expect((await h.t.call('GET', '/v1/prompts/j5%2Fwriter')).status).toBe(200);
  });

  it('6. previews a version with typed variables over its defaults, the unsaved edit, and a render error', async () => {
    await seedPrompt(h.t, {
      name: 'j6/preview',
      version: { ...chat('Hello {{name}} from {{city}}'), variable_defaults: { city: 'Paris' } },
    });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    await openPrompt(page, 'j6/preview', 'preview');
    const city = page.getByRole('textbox', { name: 'city' });
    await expect.poll(() => city.inputValue()).toBe('Paris');
    await page.getByRole('textbox', { name: 'name' }).fill('Ada');
    await page.getByRole('button', { name: 'Render preview' }).click();
    const out = page.getByRole('list', { name: 'Rendered messages' });
    await expect.poll(() => out.textContent()).toContain('Hello Ada from Paris');

    // The unsaved editor content renders through the server too; its errors are shown.
    await page.getByRole('tab', { name: 'Edit' }).click();
    await page.locator('.cm-content').first().waitFor();
    await page.getByRole('textbox', { name: 'Message 1 template' }).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Bye {{name}} {{#open}}');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByRole('combobox', { name: 'Render' }).selectOption('editor');
    await page.getByRole('button', { name: 'Render preview' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Render failed' });
    await expect.poll(() => alert.textContent()).toMatch(/422/);
  });

  it('7. releases: moves a label with a confirmation diff, removes one, rolls back from history; snippets show their users', async () => {
    const p = await seedPrompt(h.t, { name: 'j7/release', version: chat('One {{a}}') });
    await seedVersion(h.t, p.prompt.id, chat('Two {{a}} {{b}}'));
    await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 1 } });
    await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/staging`, { body: { version: 2 } });
    const page = await h.page();
    await signIn(page, h.t.keys.editor);
    await openPrompt(page, 'j7/release', 'release');
    await page.getByRole('combobox', { name: 'New version for production' }).selectOption('2');
    await page.getByRole('button', { name: 'Move label production', exact: true }).click();
    const dlg = page.getByRole('dialog', { name: 'Move label production' });
    await expect.poll(() => dlg.textContent()).toMatch(/points at v1.*will point at v2/);
    await dlg.locator('ins', { hasText: 'Two {{a}} {{b}}' }).waitFor();
    await dlg.getByRole('button', { name: 'Confirm: Move label' }).click();
    await expect
      .poll(
        async () =>
          (
            await h.t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${p.prompt.id}/labels`)
          ).body.data.find((l) => l.name === 'production')?.version,
      )
      .toBe(2);

    await page.getByRole('button', { name: 'Remove label staging' }).click();
    await page
      .getByRole('dialog', { name: 'Remove label staging' })
      .getByRole('button', { name: 'Confirm: Remove label' })
      .click();
    await expect
      .poll(async () =>
        (
          await h.t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${p.prompt.id}/labels`)
        ).body.data.map((l) => l.name),
      )
      .toEqual(['production']);

    // The history lists every move (from → to); rollback is one action on it.
    const history = page.getByRole('table', { name: 'Every label move, newest first' });
    await expect
      .poll(async () => (await history.getByRole('row').allTextContents()).join('|'))
      .toMatch(/v1 → v2/);
    // The removal's row comes with the history's refetch after it, which may land later.
    await expect
      .poll(async () => history.getByRole('row').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/staging.*v2 → removed/)]));
    await history.getByRole('button', { name: 'Roll back production to v1' }).click();
    await page
      .getByRole('dialog', { name: 'Roll back production' })
      .getByRole('button', { name: 'Confirm: Roll back' })
      .click();
    await expect
      .poll(
        async () =>
          (await h.t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${p.prompt.id}/labels`)).body
            .data[0]?.version,
      )
      .toBe(1);

    // Snippets show where they are used.
    await seedPrompt(h.t, {
      name: 'j7/sig',
      is_snippet: true,
      version: { template_type: 'completion', content: [{ type: 'text', text: '-- the team' }] },
    });
    await seedPrompt(h.t, { name: 'j7/uses-sig', version: chat('Hi @@@j7/sig@@@') });
    await openPrompt(page, 'j7/sig');
    await page.getByRole('region', { name: 'Used by' }).getByRole('link', { name: 'j7/uses-sig' }).waitFor();
  });

  it('8. administers: creates a key (secret shown once, copyable), revokes it, creates a workspace, filters the audit log', async () => {
    const page = await h.page();
    await signIn(page, h.t.keys.admin);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('textbox', { name: 'Key name' }).fill('j8-reader');
    await page.getByRole('combobox', { name: 'Role' }).selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dlg = page.getByRole('dialog', { name: 'API key created' });
    const secret = (await dlg.getByLabel('New API key secret').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    await dlg.getByRole('button', { name: 'Copy secret' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await dlg.getByRole('button', { name: 'Done' }).click();
    expect((await h.t.call('GET', '/v1/prompts', { key: secret })).status).toBe(200);
    const row = page.getByRole('row', { name: /j8-reader/ });
    await row.getByRole('button', { name: 'Revoke key j8-reader' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke API key' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await h.t.call('GET', '/v1/prompts', { key: secret })).status).toBe(401);

    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('textbox', { name: 'Workspace name' }).fill('j8-space');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('rowheader', { name: 'j8-space' }).waitFor();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('table', { name: /Audit log/ }).waitFor();
    await page.getByRole('textbox', { name: 'Action' }).fill('key.revoke');
    await expect
      .poll(async () => {
        const rows = await page
          .getByRole('table', { name: /Audit log/ })
          .getByRole('row')
          .allTextContents();
        return rows.length > 1 && rows.slice(1).every((r) => r.includes('key.revoke'));
      })
      .toBe(true);
  });

  it("9. roles: a viewer sees no enabled write control, and a write attempted anyway shows the server's 403", async () => {
    const p = await seedPrompt(h.t, { name: 'j9/guarded', version: chat('Hi') });
    await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 1 } });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    expect(await page.getByRole('button', { name: 'New prompt' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await openPrompt(page, 'j9/guarded');
    expect(await page.getByRole('button', { name: 'Delete prompt' }).isDisabled()).toBe(true);
    await page.getByRole('tab', { name: 'Edit' }).click();
    expect(await page.getByRole('button', { name: 'Review and save' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    await page.getByRole('tab', { name: 'Release' }).click();
    expect(await page.getByRole('button', { name: 'Remove label production' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add label' }).isDisabled()).toBe(true);

    // A UI that believes it may write (a stale role) still meets the server's refusal, shown as such.
    const ctx = page.context();
    await ctx.route('**/v1/me', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      await route.fulfill({ response: res, json: { ...body, role: 'editor' } });
    });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'j9/guarded' }).waitFor();
    await page.getByRole('button', { name: 'Delete prompt' }).click();
    await page.getByRole('dialog', { name: 'Delete prompt' }).getByRole('button', { name: 'Delete' }).click();
    const alert = page.getByRole('dialog', { name: 'Delete prompt' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Not allowed.*403/);
    expect((await h.t.call('GET', `/v1/prompts/${p.prompt.id}`)).status).toBe(200);
  });

  it('10. copy to use: snippets fetch the prompt by label through the native API and each vendor SDK, and run it', async () => {
    const p = await seedPrompt(h.t, { name: 'j10/use-me', version: chat('Hi') });
    await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 1 } });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    await openPrompt(page, 'j10/use-me', 'use');
    for (const title of [
      'Native API (curl)',
      'PromptLayer Python SDK',
      'PromptLayer JavaScript SDK',
      'Langfuse JavaScript SDK',
      'Langfuse Python SDK',
      'Keywords AI (Respan) API',
      'NeMo Platform API',
      'Run it: OpenAI SDK through the gateway',
      'Run it: Keywords AI gateway (OpenAI SDK)',
    ]) {
      await page.getByRole('region', { name: title }).waitFor();
    }
    await page.getByRole('button', { name: 'Copy Native API (curl) snippet' }).click();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(text).toContain('/v1/prompts/j10%2Fuse-me/resolve?label=production');
    // The copied command works as pasted (with the key filled in).
    const url = /"(http[^"]+)"/.exec(text)![1]!;
    const res = await fetch(url, { headers: { authorization: `Bearer ${h.t.keys.viewer}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).version.number).toBe(1);
    const kw = (await page
      .getByRole('region', { name: 'Keywords AI (Respan) API' })
      .locator('pre')
      .textContent())!;
    const kwUrl = /"(http[^"]+)"/.exec(kw)![1]!;
    expect((await fetch(kwUrl, { headers: { authorization: `Bearer ${h.t.keys.viewer}` } })).status).toBe(
      200,
    );
    const nemo = (await page
      .getByRole('region', { name: 'NeMo Platform API' })
      .locator('pre')
      .textContent())!;
    const nemoUrl = /"(http[^"]+)"/.exec(nemo)![1]!;
    expect((await fetch(nemoUrl, { headers: { authorization: `Bearer ${h.t.keys.viewer}` } })).status).toBe(
      200,
    );
    // The Langfuse snippet names the signed-in key's public key, and runs as pasted with it.
    const me = await h.t.call<{ public_key: string }>('GET', '/v1/me', { key: h.t.keys.viewer });
    const langfuse = page.getByRole('region', { name: 'Langfuse JavaScript SDK' });
    expect(await langfuse.textContent()).toContain(me.body.public_key);
    const env = { LECTERN_KEY: h.t.keys.viewer, LANGFUSE_PUBLIC_KEY: me.body.public_key };
    const fetched = await runSnippet(
      (await langfuse.locator('pre').textContent())!,
      env,
      'console.log(JSON.stringify({ version: prompt.version, prompt: prompt.prompt }));',
    );
    expect(JSON.parse(fetched)).toMatchObject({ version: 1, prompt: [{ role: 'user', content: 'Hi' }] });
    // The gateway snippet runs the labelled version against the provider and prints its answer.
    const run = page.getByRole('region', { name: 'Run it: OpenAI SDK through the gateway' });
    const printed = await runSnippet((await run.locator('pre').textContent())!, env);
    expect(printed.trim()).toBe(llm.answer);
    expect(llm.requests.at(-1)!.body).toMatchObject({
      model: 'gpt-4o-mini', // the version names none
      messages: [{ role: 'user', content: 'Hi' }],
    });
    // So does Keywords AI's, on the live version.
    const kwRun = page.getByRole('region', { name: 'Run it: Keywords AI gateway (OpenAI SDK)' });
    const kwPrinted = await runSnippet((await kwRun.locator('pre').textContent())!, env);
    expect(kwPrinted.trim()).toBe(llm.answer);
    expect(llm.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'user', content: 'Hi' }] });
  }, 60_000);
});
