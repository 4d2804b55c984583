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
});
