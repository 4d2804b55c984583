// The request-group journey in a real Chromium against a real Lectern on PGlite: the groups list
// from the nav (newest first, paged), one group with its requests in the order they happened —
// prompt, version, label, status, latency, tokens, cost — and a record opened in full; the log
// filtered by group, a record's group link, and the empty and not-found states. Groups and records
// are made through the API (setup); everything the user does goes through the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
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
const NAME = 'agents/support-triage';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const chat = (text: string) => ({ template_format: 'mustache', messages: [{ role: 'user', content: text }] });

async function newGroup(key = h.t.keys.editor): Promise<number> {
  const r = await h.t.call('POST', '/v1/request-groups', { key });
  if (r.status !== 201) throw new Error(`group: ${r.status} ${r.raw}`);
  return (r.body as { id: number }).id;
}

async function log(body: Record<string, unknown>) {
  const r = await h.t.call('POST', '/v1/request-logs', { body });
  expect(r.status).toBe(202);
}

describe('request groups in the web UI', () => {
  // A long journey (53 groups, three pages of the UI): the default 30 s is too short at load 20+.
  it(
    'lists groups, opens one with its requests in order, and links the log to it',
    { timeout: 120_000 },
    async () => {
      const p = await seedPrompt(h.t, { name: NAME, version: chat('v1 {{q}}') });
      await seedVersion(h.t, p.prompt.id, chat('v2 {{q}}'));
      await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 2 } });
      const g = await newGroup();
      const steps = [
        { version_number: 1, latency_ms: 410, status: 'success', cost_usd: 0.0012 },
        { version_number: 2, label: 'production', latency_ms: 220, status: 'success', cost_usd: 0.0008 },
        { version_number: 2, label: 'production', latency_ms: 900, status: 'error', status_code: 500 },
      ];
      for (const [i, s] of steps.entries())
        await log({
          prompt_id: p.prompt.id,
          model: 'gpt-4o-mini',
          input_tokens: 30 + i,
          output_tokens: 12,
          group_id: g,
          request: { messages: [{ role: 'user', content: `step ${i + 1} question` }] },
          response: { choices: [{ message: { role: 'assistant', content: `step ${i + 1} answer` } }] },
          ...(s.status === 'error' ? { error_message: 'upstream 500' } : {}),
          ...s,
        });
      await log({ prompt_id: p.prompt.id, version_number: 1, model: 'gpt-4o-mini', status: 'success' });
      await h.t.registry.flushRequestLog();
      // 51 newer, empty groups: the first page (50) ends before `g`.
      let newest = 0;
      for (let i = 0; i < 51; i++) newest = await newGroup();

      const page = await h.page();
      await signIn(page, h.t.keys.viewer);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Request groups' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Request groups' }).waitFor();
      const list = page.getByRole('table', { name: 'Request groups' });
      const listRows = list.getByRole('row');
      await expect.poll(() => listRows.count()).toBe(51); // header + 50
      expect(await listRows.nth(1).textContent()).toContain(`Group ${newest}`);
      expect(await list.getByRole('link', { name: `Group ${g}`, exact: true }).count()).toBe(0);
      await expectAccessible(page, 'groups list');
      await page.getByRole('button', { name: 'Older groups' }).click();
      await expect.poll(() => listRows.count()).toBe(53);
      expect(await page.getByRole('button', { name: 'Older groups' }).count()).toBe(0);
      const gRow = list.getByRole('row', { name: new RegExp(`^Group ${g} `) });
      expect(await gRow.getByRole('cell').nth(2).textContent()).toBe('3');
      await gRow.getByRole('link', { name: `Group ${g}`, exact: true }).click();

      // The group: its requests oldest first, each with prompt, version and label.
      await page.getByRole('heading', { level: 1, name: `Request group ${g}` }).waitFor();
      const table = page.getByRole('table', { name: `Requests of group ${g}, oldest first` });
      const rows = table.getByRole('row');
      await expect.poll(() => rows.count()).toBe(4);
      await expect.poll(() => table.getByRole('link', { name: NAME }).count()).toBe(3);
      const cells = async (i: number) => (await rows.nth(i).getByRole('cell').allTextContents()).slice(1, 7);
      expect(await cells(1)).toEqual([`${NAME}v1`, 'gpt-4o-mini', 'success', '410 ms', '30 / 12', '$0.0012']);
      expect(await cells(2)).toEqual([
        `${NAME}v2 production`,
        'gpt-4o-mini',
        'success',
        '220 ms',
        '31 / 12',
        '$0.0008',
      ]);
      expect((await cells(3)).slice(2, 4)).toEqual(['error 500', '900 ms']);
      expect(await page.getByRole('definition').allTextContents()).toContain(
        '1 error, tokens 93 / 36, cost $0.002',
      );
      // The prompt link opens the prompt at that version.
      expect(await rows.nth(1).getByRole('link', { name: NAME }).getAttribute('href')).toBe(
        `#/prompts/${encodeURIComponent(NAME)}?v=1`,
      );

      // Open the second step in full, under its row.
      await rows
        .nth(2)
        .getByRole('button', { name: /^Open request/ })
        .click();
      const detail = page.getByRole('article', { name: /^Request / });
      await expect
        .poll(() => detail.getByLabel('Request', { exact: true }).textContent())
        .toContain('step 2 question');
      expect(await detail.getByLabel('Response', { exact: true }).textContent()).toContain('step 2 answer');
      expect(await detail.getByRole('link', { name: `Group ${g}` }).count()).toBe(1);
      await expectAccessible(page, 'group page');
      await screenshot(page, 'request-group');
      await rows
        .nth(2)
        .getByRole('button', { name: /^Close request/ })
        .click();
      expect(await detail.count()).toBe(0);

      // From the group to the log filtered by it; then the whole log, and a record's group link back.
      await page.getByRole('link', { name: 'Filter the request log by this group' }).click();
      await page.getByRole('heading', { level: 1, name: 'Request log' }).waitFor();
      expect(await page.getByRole('spinbutton', { name: 'Group' }).inputValue()).toBe(String(g));
      const logRows = page.getByRole('table', { name: 'Logged requests' }).getByRole('row');
      await expect.poll(() => logRows.count()).toBe(4);
      await page.getByRole('spinbutton', { name: 'Group' }).fill('');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => logRows.count()).toBe(5);
      expect(
        await logRows
          .nth(1)
          .getByRole('link', { name: /^Group / })
          .count(),
      ).toBe(0); // no group
      await page.getByRole('spinbutton', { name: 'Group' }).fill(String(g));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => logRows.count()).toBe(4);
      await expectAccessible(page, 'request log by group');
      await screenshot(page, 'request-log-by-group');
      await logRows
        .nth(1)
        .getByRole('link', { name: `Group ${g}`, exact: true })
        .click();
      await page.getByRole('heading', { level: 1, name: `Request group ${g}` }).waitFor();

      // An empty group, and one that does not exist.
      await page.evaluate((x) => {
        window.location.hash = x;
      }, `#/groups/${newest}`);
      await page.getByText('No requests in this group yet.').waitFor();
      await page.evaluate(() => {
        window.location.hash = '#/groups/987654321';
      });
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/No such group.*404/);
      await expectAccessible(page, 'group not found');
    },
  );

  // Who made a group is shown as the audit log shows an actor: the key's name for an admin (who
  // can list keys anyway), its short id for everyone else, the full id on hover.
  it('names the key that made a group: its name for an admin, its short id for a viewer', async () => {
    const g = await newGroup(h.t.keys.editor);
    const keys = await h.t.call<{ data: { id: string; name: string }[] }>('GET', '/v1/keys', {
      key: h.t.keys.admin,
    });
    const editor = keys.body.data.find((k) => k.name === 'editor@default')!;
    const short = editor.id.replace(/-/g, '').slice(-8);
    const createdBy = async (key: string) => {
      const page = await h.page();
      await signIn(page, key);
      await page.evaluate((x) => {
        window.location.hash = x;
      }, `#/groups/${g}`);
      await page.getByRole('heading', { level: 1, name: `Request group ${g}` }).waitFor();
      const dd = page.locator('dt:text-is("Created by") + dd > span');
      await expect.poll(() => dd.textContent()).not.toBe(null);
      return { text: await dd.textContent(), title: await dd.getAttribute('title'), page };
    };
    const asViewer = await createdBy(h.t.keys.viewer);
    expect(asViewer).toMatchObject({ text: `key ${short}`, title: `API key ${editor.id}` });
    const asAdmin = await createdBy(h.t.keys.admin);
    await expect
      .poll(() => asAdmin.page.locator('dt:text-is("Created by") + dd').textContent())
      .toBe('editor@default');
  });

  it("prints a group's dates one way in the list and the summary, the full timestamp on hover", async () => {
    const g = await newGroup();
    await log({ model: 'gpt-4o-mini', status: 'success', group_id: g });
    await h.t.registry.flushRequestLog();
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    const when = async (time: Locator) => ({
      text: await time.textContent(),
      title: await time.getAttribute('title'),
    });
    await page.evaluate(() => {
      window.location.hash = '#/groups';
    });
    const row = page
      .getByRole('table', { name: 'Request groups' })
      .getByRole('row', { name: new RegExp(`^Group ${g} `) });
    await row.waitFor();
    const inList = await when(row.getByRole('cell').nth(1).locator('time'));
    const firstInList = await when(row.getByRole('cell').nth(3).locator('time'));
    await row.getByRole('link', { name: `Group ${g}`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Request group ${g}` }).waitFor();
    const inSummary = await when(page.locator('dt:text-is("Created") + dd time'));
    const firstInSummary = await when(page.locator('dt:text-is("First request") + dd time'));
    expect(inList.text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(inSummary).toEqual(inList);
    expect(firstInSummary).toEqual(firstInList);
    // The hover has what the text leaves out: the seconds.
    expect(inList.title).toMatch(/\d:\d\d:\d\d/);
  });

  it('says so when a workspace has no groups', { timeout: 60_000 }, async () => {
    const page = await h.page();
    await signIn(page, h.t.keys.otherViewer);
    await page.getByRole('link', { name: 'Request groups' }).click();
    await page.getByText('No request groups in this workspace yet.').waitFor();
    await expectAccessible(page, 'groups list empty');
  });
});
