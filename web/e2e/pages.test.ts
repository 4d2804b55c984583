// Every page of the UI in light and dark themes: an axe-core check (no serious or critical
// violation) and a full-page screenshot into web/screenshots/ (git-ignored) for a human to look
// at — with long names, long templates, empty states and error states on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
/** A request group with records of the long-named prompt (request-log and group pages). */
let group = 0;
const LONG =
  'team-with-a-rather-long-name/customer-support/escalations/' + 'very-long-prompt-name-'.repeat(4) + 'end';

beforeAll(async () => {
  h = await startHarness();
  for (let i = 0; i < 30; i++)
    await seedPrompt(h.t, {
      name: `folder-${i % 4}/prompt-${i}`,
      tags: i % 3 ? ['x'] : [],
      version: { messages: [{ role: 'user', content: `hi ${i}` }] },
    });
  const longText = Array.from(
    { length: 40 },
    (_, i) => `Line ${i + 1}: {{customer}} asked about order {{order_id}} — ${'lorem ipsum '.repeat(12)}`,
  ).join('\n');
  const p = await seedPrompt(h.t, {
    name: LONG,
    tags: ['support', 'escalation', 'a-very-long-tag-name-that-keeps-going', 'de', 'fr'],
    description: 'Answers escalated customer e-mails.',
    version: {
      template_format: 'mustache',
      messages: [
        { role: 'system', content: 'You are the support lead of {{company}}.' },
        { role: 'user', content: longText },
      ],
      model: 'gpt-4o',
      provider: 'openai',
      params: { temperature: 0.2, max_tokens: 800 },
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_order',
            description: 'Find an order by id',
            parameters: { type: 'object', properties: { id: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      variable_defaults: { company: 'Acme' },
      commit_message: 'first version',
    },
  });
  await seedVersion(h.t, p.prompt.id, {
    template_format: 'mustache',
    messages: [
      { role: 'system', content: 'You are the friendly support lead of {{company}}.' },
      { role: 'user', content: longText.replace('Line 3', 'Row 3') },
    ],
    model: 'gpt-4o-mini',
    params: { temperature: 0.5 },
    commit_message: 'friendlier, cheaper model',
  });
  await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 1 } });
  await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/production`, { body: { version: 2 } });
  await h.t.call('PUT', `/v1/prompts/${p.prompt.id}/labels/staging`, { body: { version: 2 } });
  const gone = await seedPrompt(h.t, {
    name: 'old/retired',
    version: { messages: [{ role: 'user', content: 'bye' }] },
  });
  await h.t.call('DELETE', `/v1/prompts/${gone.prompt.id}`);
  group = (
    (await h.t.call('POST', '/v1/request-groups')).body as {
      id: number;
    }
  ).id;
  const runs = [
    { prompt_id: p.prompt.id, version_number: 1, latency_ms: 812, status: 'success' },
    { prompt_id: p.prompt.id, version_number: 2, label: 'production', latency_ms: 15_230, status: 'success' },
    {
      prompt_id: p.prompt.id,
      version_number: 2,
      label: 'staging',
      latency_ms: 95,
      status: 'error',
      status_code: 429,
      error_message: 'rate limited by the upstream provider: ' + 'retry later '.repeat(8),
    },
    { prompt_id: gone.prompt.id, version_number: 1, latency_ms: 300, status: 'warning' },
  ];
  for (const [i, r] of runs.entries()) {
    const res = await h.t.call('POST', '/v1/request-logs', {
      body: {
        model: i === 1 ? 'accounts/fireworks/models/a-rather-long-model-name-instruct-v3' : 'gpt-4o',
        input_tokens: 1200 + i,
        output_tokens: 340,
        customer_identifier: i === 2 ? 'customer-with-a-very-long-identifier-0123456789' : 'acme',
        group_id: i < 3 ? group : undefined,
        request: { messages: [{ role: 'user', content: longText.slice(0, 400) }] },
        response: { choices: [{ message: { role: 'assistant', content: 'Sure.' } }] },
        metadata: { ticket: `T-${i}` },
        ...r,
      },
    });
    if (res.status !== 202) throw new Error(`log failed: ${res.status} ${res.raw}`);
  }
  await h.t.registry.flushRequestLog();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function go(page: Page, hash: string, ready: () => Promise<unknown>) {
  await page.evaluate((x) => {
    window.location.hash = x;
  }, hash);
  await ready();
  await page.waitForTimeout(150);
}

describe.each(['light', 'dark'] as const)('every page in the %s theme', (theme) => {
  it(
    'passes axe with no serious or critical violation, and is photographed',
    // Nine more pages since wave 7 (request log, groups, usage, webhooks): 180 s ran out at load 25.
    { timeout: 300_000 },
    async () => {
      const page = await h.page({ theme });
      const shot = async (name: string) => {
        await expectAccessible(page, `${theme}/${name}`);
        await screenshot(page, `${theme}-${name}`);
      };
      await page.getByRole('heading', { name: 'Sign in to Lectern' }).waitFor();
      await shot('01-sign-in');
      await page.getByLabel('API key').fill('wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await shot('02-sign-in-wrong-key');

      await signIn(page, h.t.keys.admin);
      await page.getByRole('link', { name: LONG }).waitFor();
      await page
        .getByRole('tree', { name: 'Folder tree' })
        .getByRole('link', { name: /folder-1/ })
        .waitFor();
      await shot('03-list');
      await page.getByRole('searchbox', { name: 'Search' }).fill('no-such-thing-anywhere');
      await page.getByText('No prompt matches these filters.').waitFor();
      await shot('04-list-no-match');
      await page.getByRole('combobox', { name: 'Workspace' }).selectOption('other');
      await page.getByText(/No prompts here yet/).waitFor();
      await shot('05-list-empty-workspace');
      await page.getByRole('combobox', { name: 'Workspace' }).selectOption('default');
      await page.getByRole('button', { name: 'New prompt' }).click();
      await page.getByRole('dialog', { name: 'New prompt' }).waitFor();
      await shot('06-new-prompt-dialog');
      await page.keyboard.press('Escape');

      const base = `#/prompts/${encodeURIComponent(LONG)}`;
      await go(page, base, () => page.getByRole('list', { name: 'Version timeline' }).waitFor());
      await shot('07-detail-versions');
      await go(page, `${base}?tab=compare`, () =>
        page.getByRole('region', { name: /Differences/ }).waitFor(),
      );
      await page.getByRole('combobox', { name: 'From' }).selectOption('1');
      await page.getByRole('combobox', { name: 'To' }).selectOption('2');
      await shot('08-detail-compare');
      await go(page, `${base}?tab=edit`, () => page.locator('.cm-content').first().waitFor());
      await page.getByRole('textbox', { name: 'Message 1 template' }).click();
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.type(' {{#broken}}');
      await page.getByText(/Syntax error at line/).waitFor();
      await shot('09-detail-edit-syntax-error');
      await page.getByRole('textbox', { name: 'Message 1 template' }).click();
      for (let i = 0; i < 12; i++) await page.keyboard.press('Backspace');
      await page.getByRole('button', { name: 'Review and save' }).click();
      await page.getByRole('dialog', { name: 'Review changes' }).waitFor();
      await shot('10-detail-review-dialog');
      await page.keyboard.press('Escape');
      await go(page, `${base}?tab=preview`, () =>
        page.getByRole('button', { name: 'Render preview' }).waitFor(),
      );
      await page.getByRole('combobox', { name: 'Render' }).selectOption('2');
      await page.getByRole('button', { name: 'Render preview' }).click();
      await page.getByRole('list', { name: 'Rendered messages' }).waitFor();
      await shot('11-detail-preview');
      await go(page, `${base}?tab=release`, () =>
        page.getByRole('table', { name: /Every label move/ }).waitFor(),
      );
      await shot('12-detail-release');
      await page.getByRole('combobox', { name: 'New version for staging' }).selectOption('1');
      await page.getByRole('button', { name: 'Move label staging', exact: true }).click();
      await page.getByRole('dialog', { name: 'Move label staging' }).waitFor();
      await shot('13-detail-move-label-dialog');
      await page.keyboard.press('Escape');
      await go(page, `${base}?tab=use`, () =>
        page.getByRole('region', { name: 'Native API (curl)' }).waitFor(),
      );
      await shot('14-detail-use');
      await go(page, '#/prompts/no-such-prompt', () => page.getByRole('alert').waitFor());
      await shot('15-detail-not-found');
      await go(page, '#/?folder=old', () => page.getByRole('heading', { level: 1, name: 'old' }).waitFor());
      await page.getByRole('checkbox', { name: 'Deleted prompts' }).check();
      await page.getByRole('link', { name: 'old/retired' }).click();
      await page.getByRole('button', { name: 'Restore prompt' }).waitFor();
      await shot('16-detail-deleted');

      await go(page, '#/admin/keys', () => page.getByRole('table', { name: 'API keys' }).waitFor());
      await shot('17-admin-keys');
      await page.getByRole('textbox', { name: 'Key name' }).fill(`shot-${theme}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('dialog', { name: 'API key created' }).waitFor();
      await shot('18-admin-key-created');
      await page.getByRole('button', { name: 'Done' }).click();
      await go(page, '#/admin/workspaces', () => page.getByRole('table', { name: 'Workspaces' }).waitFor());
      await shot('19-admin-workspaces');
      await go(page, '#/admin/audit', () => page.getByRole('table', { name: /Audit log/ }).waitFor());
      await shot('20-admin-audit');
      await go(page, '#/admin/webhooks', () =>
        page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor(),
      );
      await shot('21-webhooks');

      await go(page, `${base}?tab=usage`, () =>
        page.getByRole('table', { name: 'Usage per version' }).waitFor(),
      );
      await page.getByRole('img', { name: /Requests over time/ }).waitFor();
      await shot('22-detail-usage');
      await go(page, '#/logs', () => page.getByRole('table', { name: 'Logged requests' }).waitFor());
      await page.getByRole('link', { name: 'old/retired' }).waitFor();
      await shot('23-request-log');
      await page
        .getByRole('button', { name: /^Open request/ })
        .nth(1)
        .click();
      await page
        .getByRole('article', { name: /^Request / })
        .getByLabel('Request', { exact: true })
        .waitFor();
      await shot('24-request-log-record');
      await go(page, '#/groups', () => page.getByRole('table', { name: 'Request groups' }).waitFor());
      await shot('25-request-groups');
      await go(page, `#/groups/${group}`, () =>
        page.getByRole('table', { name: /^Requests of group/ }).waitFor(),
      );
      await page.getByRole('link', { name: LONG }).first().waitFor();
      await page
        .getByRole('button', { name: /^Open request/ })
        .nth(2)
        .click();
      await page
        .getByRole('article', { name: /^Request / })
        .getByRole('note')
        .waitFor();
      await shot('26-request-group');
      await go(page, '#/groups/987654321', () => page.getByRole('alert').waitFor());
      await shot('27-request-group-not-found');
      await page.getByRole('combobox', { name: 'Workspace' }).selectOption('other');
      await go(page, '#/groups', () => page.getByText('No request groups in this workspace yet.').waitFor());
      await shot('28-request-groups-empty');
      await go(page, '#/logs', () =>
        page.getByText(/No requests have been logged in this workspace yet/).waitFor(),
      );
      await shot('29-request-log-empty');
      expect(h.foreign).toEqual([]);
    },
  );
});

describe('the API docs page', () => {
  it('makes no request to another host (its fonts are the system ones)', { timeout: 60_000 }, async () => {
    const page = await h.page();
    const before = h.foreign.length;
    await page.goto(`${h.base}/docs`);
    await page.waitForLoadState('networkidle');
    await page.getByText('Lectern').first().waitFor();
    expect(h.foreign.slice(before)).toEqual([]);
  });
});
