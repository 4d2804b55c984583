// `{identifier}` resolution (numeric id first, then name) and name reuse after delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as entitiesDelete } from './entities-delete.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as list } from './list.ts';
import type { schema as publish } from './publish.ts';

/** Bodies typed from the response schemas the routes declare. */
type EntitiesDeleteBody = ResponseOf<typeof entitiesDelete>;
type GetRawBody = ResponseOf<typeof getRaw>;
type GetRenderedBody = ResponseOf<typeof getRendered>;
type ListBody = ResponseOf<typeof list>;
type PublishBody = ResponseOf<typeof publish, 201>;

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer identifiers on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const publish = (name: string, body: string) =>
      t.call<PublishBody>('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: name },
          prompt_version: { prompt_template: { type: 'completion', content: text(body) } },
        },
      });

    it('a numeric identifier is the id when one matches, else the name', async () => {
      const first = await publish('first', 'by id');
      const numeric = await publish('987654', 'by name');
      expect(numeric.status).toBe(201);
      const byName = await t.call<GetRawBody>('GET', '/prompt-templates/987654');
      expect(byName.status).toBe(200);
      expect(byName.body).toMatchObject({ id: numeric.body.id, prompt_name: '987654' });
      // A template whose name is another template's id: the id wins.
      await publish(String(first.body.id), 'shadowed');
      const byId = await t.call<GetRawBody>('GET', `/prompt-templates/${first.body.id}`);
      expect(byId.body).toMatchObject({ id: first.body.id, prompt_name: 'first' });
    });

    it('a deleted template is gone by name and id; its name can be published again as a new template', async () => {
      const old = await publish('reborn', 'old');
      await t.call<EntitiesDeleteBody>('DELETE', '/api/public/v2/folders/entities', {
        body: { entities: [{ id: old.body.id, type: 'PROMPT' }] },
      });
      expect((await t.call<GetRawBody>('GET', '/prompt-templates/reborn')).status).toBe(404);
      expect(
        (await t.call<GetRenderedBody>('POST', `/prompt-templates/${old.body.id}`, { body: {} })).status,
      ).toBe(404);
      const again = await publish('reborn', 'new');
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(old.body.id);
      expect(again.body.version_number).toBe(1);
      const listed = await t.call<ListBody>('GET', '/prompt-templates?status=all&name=reborn');
      expect(listed.body.items.map((i: { id: number; status: string }) => [i.id, i.status])).toEqual([
        [again.body.id, 'active'],
        [old.body.id, 'deleted'],
      ]);
    });
  });
}
