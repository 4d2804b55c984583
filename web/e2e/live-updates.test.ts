// Live updates (issue 17): with the list or a prompt page open, a change made elsewhere — another
// API, another program — shows up without a reload, through the change stream (GET /v1/events)
// invalidating the cached queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPrompt, signIn, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const inject = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
  const r = await h.t.app.inject({
    method,
    url,
    headers: { 'x-api-key': h.t.keys.editor, 'content-type': 'application/json' },
    payload: payload as Record<string, unknown>,
  });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return JSON.parse(r.body) as Record<string, unknown>;
};

describe('live updates', () => {
  it('the list and a prompt page follow writes made through other APIs, without a reload', async () => {
    await seedPrompt(h.t, { name: 'live-one', version: { messages: [{ role: 'user', content: 'one' }] } });
    const page = await h.page();
    await signIn(page, h.t.keys.viewer);
    await page.getByRole('link', { name: 'live-one' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // A reload would drop this marker.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // A prompt created through PromptLayer's API appears in the open list.
    await inject('POST', '/rest/prompt-templates', {
      prompt_template: { prompt_name: 'live-from-pl' },
      prompt_version: {
        prompt_template: {
          type: 'chat',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'P' }] }],
        },
      },
    });
    await page.getByRole('link', { name: 'live-from-pl' }).waitFor();

    // On the prompt page: a version written through NeMo's API joins the timeline, and a label set
    // through the native API by another key shows on its version.
    await page.getByRole('link', { name: 'live-one' }).click();
    const timeline = page.getByRole('list', { name: 'Version timeline' });
    await timeline.getByRole('button', { name: /^Version 1/ }).waitFor();
    await inject('PUT', '/apis/models/v2/workspaces/default/prompts/live-one', {
      messages: [{ role: 'user', content: 'two from NeMo' }],
    });
    const v2 = timeline.getByRole('button', { name: /^Version 2/ });
    await v2.waitFor();
    await v2.getByText('via NeMo API').waitFor();
    const set = await h.t.call('PUT', '/v1/prompts/live-one/labels/production', {
      key: h.t.keys.admin,
      body: { version: 2 },
    });
    expect(set.status, set.raw).toBe(200);
    await v2.getByText('production').waitFor();

    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });
});

describe('live updates, opening', () => {
  it('a list read before the stream opened, answered after, is fetched again once it is open', async () => {
    await seedPrompt(h.t, { name: 'opening-before' });
    const page = await h.page();
    // The race, made to happen every time: the list's read is done on the server, then a prompt is
    // created, then the change stream opens (from now: it never sends that creation), and only then
    // does the list's answer reach the page. Without a refetch at open, the list stays without it.
    let changed!: () => void;
    const change = new Promise<void>((r) => (changed = r));
    let held = false;
    await page.route('**/v1/events?*', async (route) => {
      await change;
      await route.continue();
    });
    await page.route(
      (u) => u.pathname === '/v1/prompts' && u.searchParams.get('limit') !== '1',
      async (route) => {
        if (held) return route.continue();
        held = true;
        const answer = await route.fetch();
        await inject('POST', '/v1/prompts', { name: 'opening-between' });
        changed();
        await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
        // The page may have given up on this fetch (a refetch replaced it): nothing to answer then.
        await route.fulfill({ response: answer }).catch(() => {});
      },
    );
    await signIn(page, h.t.keys.viewer);
    await page.getByRole('link', { name: 'opening-before' }).waitFor();
    await page.getByRole('link', { name: 'opening-between' }).waitFor({ timeout: 5000 });
    expect(held).toBe(true);
  });
});
