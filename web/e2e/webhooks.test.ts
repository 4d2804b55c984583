// The webhooks page in a real Chromium against a real Lectern on PGlite, with a real receiver
// verifying every delivery (standardwebhooks) and the delivery worker running: create an endpoint
// (the secret shown once), see its delivery, replay it, disable and enable it, rotate the secret,
// delete it (after a confirmation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, seedPrompt, signIn, startHarness, type Harness } from './harness.ts';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.ts';
import { startWebhookWorker, type WebhookWorker } from '../../src/delivery/webhooks.ts';

let h: Harness;
let rcv: Receiver;
let worker: WebhookWorker;

beforeAll(async () => {
  h = await startHarness();
  rcv = await startReceiver();
  worker = startWebhookWorker(h.t.registry, {
    retrySchedule: [0.2, 0.2],
    timeoutMs: 1500,
    allowPrivate: true,
    concurrency: 8,
    retentionDays: 7,
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop(100);
  await rcv?.close();
  await h?.close();
});

describe('webhooks page', () => {
  it('creates an endpoint, shows its deliveries, replays, disables, enables, rotates and deletes', async () => {
    const page = await h.page();
    await signIn(page, h.t.keys.admin);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByLabel('Endpoint URL').fill(rcv.url);
    // A name that is no event type is refused before anything is sent, saying which ones are.
    await page.getByLabel(/^Event types/).fill('prompt.created, prompt.nope');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('alert').filter({ hasText: '"prompt.nope" is not an event type' }).waitFor();
    await screenshot(page, 'webhooks-event-type-error');
    await page.getByLabel(/^Event types/).fill('prompt.created');
    await page.getByLabel(/^Prompt names/).fill('hooked-prompt, other-prompt');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    rcv.secrets.push(secret);
    await screenshot(page, 'webhooks-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    // Shown once: the page and the API never show it again.
    expect(await page.content()).not.toContain(secret);
    // The form is empty again (no filter carried into the next endpoint); the table shows them.
    for (const field of ['Endpoint URL', /^Event types/, /^Prompt names/])
      expect(await page.getByLabel(field).inputValue()).toBe('');
    const endpoints = page.getByRole('table', { name: 'Webhook endpoints' });
    await expect.poll(() => endpoints.textContent()).toContain('hooked-prompt, other-prompt');

    await seedPrompt(h.t, { name: 'hooked-prompt' });
    await rcv.until((r) => r.length >= 1);
    expect(rcv.received[0]!.verified, rcv.received[0]!.verifyError).toBe(true);

    await page.getByRole('button', { name: `Deliveries of ${rcv.url}` }).click();
    const log = page.getByRole('table', { name: `Deliveries to ${rcv.url}` });
    await expect.poll(() => log.getByRole('row').nth(1).textContent()).toContain('delivered');
    await expect.poll(() => log.textContent()).toContain('hooked-prompt');
    await screenshot(page, 'webhooks-deliveries');
    await log
      .getByRole('button', { name: /^Replay / })
      .first()
      .click();
    await rcv.until((r) => r.length >= 2);
    expect(rcv.received[1]!.id).toBe(rcv.received[0]!.id);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: `Disable ${rcv.url}` }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Webhook endpoints' }).textContent())
      .toContain('disabled: disabled by an admin');
    await page.getByRole('button', { name: `Enable ${rcv.url}` }).click();
    await page.getByRole('button', { name: `Disable ${rcv.url}` }).waitFor();

    await page.getByRole('button', { name: `Rotate the secret of ${rcv.url}` }).click();
    const fresh = (await page.getByTestId('webhook-secret').textContent())!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Webhook endpoints' }).textContent())
      .toContain('(rotating)');
    await expectAccessible(page, 'webhooks page');
    await screenshot(page, 'webhooks');

    // Delete asks first; Cancel keeps the endpoint, the dialog's Delete removes it.
    await page.getByRole('button', { name: `Delete ${rcv.url}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete endpoint' });
    await confirm.waitFor();
    await screenshot(page, 'webhooks-delete-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: `Delete ${rcv.url}` }).click();
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No webhook endpoints yet.').waitFor();
    expect(
      (await h.t.call<{ data: unknown[] }>('GET', '/v1/webhooks', { key: h.t.keys.admin })).body.data,
    ).toEqual([]);
  }, 60_000);
});

describe('webhooks page, dark', () => {
  it('shows a refused event type in the dark theme as in the light one', async () => {
    const page = await h.page({ theme: 'dark' });
    await signIn(page, h.t.keys.admin);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill(rcv.url);
    await page.getByLabel(/^Event types/).fill('prompt.nope');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('alert').filter({ hasText: '"prompt.nope" is not an event type' }).waitFor();
    await expectAccessible(page, 'dark/webhooks-error');
    await screenshot(page, 'dark-webhooks-event-type-error');
  });
});
