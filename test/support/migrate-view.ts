// What the migration tests (src/cli/migrate*.test.ts) compare between a source Lectern and the one
// migrated into: its URL once listening, every prompt's versions and labels through the native API,
// and the Langfuse-style key ("public:secret") of its editor.
import { publicKeyOf } from '../../src/registry/keys.ts';
import type { ResponseOf, TestApp } from './app.ts';
import type { schema as promptsList } from '../../src/dialects/native/routes/prompts-list.ts';
import type { schema as versionsList } from '../../src/dialects/native/routes/versions-list.ts';
import type { schema as labelsList } from '../../src/dialects/native/routes/labels-list.ts';

/** The app's URL, listening on a free port from the first call on. */
export async function urlOf(t: TestApp): Promise<string> {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
}

/** Version fields compared by default: content, model and the commit. */
export const VIEW_FIELDS = ['number', 'status', 'messages', 'model', 'params', 'commit_message'];

/** Name -> its versions (the `fields` of each, oldest first) and labels (name -> version). */
export async function nativeView(
  t: TestApp,
  fields: string[] = VIEW_FIELDS,
): Promise<Record<string, { versions: Record<string, unknown>[]; labels: Record<string, number> }>> {
  const out: Record<string, { versions: Record<string, unknown>[]; labels: Record<string, number> }> = {};
  const list = (await t.call<ResponseOf<typeof promptsList>>('GET', '/v1/prompts?limit=500')).body.data;
  for (const p of list) {
    const vs = (
      await t.call<ResponseOf<typeof versionsList>>('GET', `/v1/prompts/${p.id}/versions?limit=500&order=asc`)
    ).body.data;
    const ls = (await t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${p.id}/labels`)).body.data;
    out[p.name] = {
      versions: vs.map((v) => Object.fromEntries(fields.map((f) => [f, (v as Record<string, unknown>)[f]]))),
      labels: Object.fromEntries(ls.map((l) => [l.name, l.version])),
    };
  }
  return out;
}

/** The app's editor key as a Langfuse client sends it: "<public key>:<secret>". */
export async function langfuseKey(t: TestApp): Promise<string> {
  return `${publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId)}:${t.keys.editor}`;
}
