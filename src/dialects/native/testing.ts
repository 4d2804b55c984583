// Shared set-up for the native route tests: unique names and prompts with versions, over HTTP.
import { expect } from 'vitest';
import type { ResponseOf, TestApp } from '../../../test/support/app.ts';
import type { schema as promptsCreate } from './routes/prompts-create.ts';

let n = 0;
export const uniq = (base: string) => `${base}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

/** Creates a prompt with one committed version per message text; returns its id and ETag. */
export async function promptWithVersions(
  t: TestApp,
  texts: string[],
  opts: { name?: string; key?: string; labels?: string[]; lastStatus?: 'draft' | 'committed' } = {},
): Promise<{ id: string; name: string; etag: string }> {
  const name = opts.name ?? uniq('p');
  const created = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
    key: opts.key,
    body: { name },
  });
  expect(created.status).toBe(201);
  let etag = created.headers.etag as string;
  const id = created.body.prompt.id;
  for (const [i, text] of texts.entries()) {
    const last = i === texts.length - 1;
    const res = await t.call('POST', `/v1/prompts/${id}/versions`, {
      key: opts.key,
      body: {
        messages: [{ role: 'user', content: text }],
        ...(last && opts.labels ? { labels: opts.labels } : {}),
        ...(last && opts.lastStatus ? { status: opts.lastStatus } : {}),
      },
    });
    expect(res.status).toBe(201);
    etag = res.headers.etag as string;
  }
  return { id, name, etag };
}
