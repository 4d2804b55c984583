// Browser-test harness: a real Lectern on PGlite listening on a free port, serving the built UI,
// and Debian's Chromium driven by playwright-core. Tests select by role and accessible name.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'vitest';
import { openPgliteForTest } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface Harness {
  t: TestApp;
  base: string;
  browser: Browser;
  /** A fresh browser context (own sessionStorage) and page, in a theme. */
  page(opts?: { theme?: 'light' | 'dark' }): Promise<Page>;
  /** Every request the pages made to a host other than Lectern's. */
  foreign: string[];
  close(): Promise<void>;
}

/** `extra`: what the test app gets besides its store (e.g. gateway providers: a local upstream). */
export async function startHarness(extra: Parameters<typeof startTestApp>[2] = {}): Promise<Harness> {
  const t = await startTestApp({ name: 'pglite', available: true, open: openPgliteForTest }, {}, extra);
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  const foreign: string[] = [];
  return {
    t,
    base: address,
    browser,
    foreign,
    async page(opts = {}) {
      const ctx = await browser.newContext({
        colorScheme: opts.theme ?? 'light',
        viewport: { width: 1280, height: 860 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(address) && !u.startsWith('data:')) foreign.push(u);
      });
      await page.goto(address + '/');
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await t.close();
    },
  };
}

export async function signIn(page: Page, key: string) {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** axe-core over the current page: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Creates a prompt through the API (setup only; journeys themselves go through the UI). */
export async function seedPrompt(t: TestApp, body: Record<string, unknown>, key = t.keys.editor) {
  const r = await t.call('POST', '/v1/prompts', { key, body });
  if (r.status !== 201) throw new Error(`seed failed: ${r.status} ${r.raw}`);
  return r.body as { prompt: { id: string; name: string } };
}

export async function seedVersion(t: TestApp, prompt: string, body: Record<string, unknown>) {
  const r = await t.call('POST', `/v1/prompts/${encodeURIComponent(prompt)}/versions`, { body });
  if (r.status !== 201) throw new Error(`seed version failed: ${r.status} ${r.raw}`);
  return r.body;
}
