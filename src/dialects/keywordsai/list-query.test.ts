// The list's filters and sort run in SQL; they must keep the meaning the in-memory rules in
// filters.ts give them (the reference here), on both backends, for random filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends } from '../../../test/support/stores.ts';
import type { Store } from '../../store/db.ts';
import type { Actor, JsonObject, Prompt } from '../../model/types.ts';
import { LecternError } from '../../model/errors.ts';
import { createRegistry } from '../../registry/index.ts';
import { applyFilters, sortRows, SORT_FIELDS, type Condition, type ParsedFilters } from './filters.ts';
import { listQuery } from './list-query.ts';
import { rowOf } from './service.ts';
import { withVerbs, type TestRegistry } from '../../../test/support/verbs.ts';

const WORDS = ['a', 'A', 'b', 'é', '%', '_', ''];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }).map((w) => w.join(''));
const TEXT_FIELDS = ['prompt_id', 'prompt_slug', 'name', 'description', 'tags'] as const;
const DATE_FIELDS = ['created_at', 'updated_at', 'current_version__updated_at'] as const;
const TEXT_OPS = ['', 'iexact', 'contains', 'icontains', 'startswith', 'endswith', 'in', 'not'] as const;
const ORDER_OPS = ['lt', 'lte', 'gt', 'gte'] as const;
const flag = fc.constantFrom<unknown>(true, false, 'true', 'False', 1, 0);

function conditionArb(times: string[]): fc.Arbitrary<Condition> {
  const values = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 2 });
  const date = fc.constantFrom(...times, 'not a date');
  return fc.oneof(
    fc.record({
      field: fc.constantFrom(...TEXT_FIELDS),
      operator: fc.constantFrom(...TEXT_OPS, ...ORDER_OPS),
      values: values(text),
    }),
    fc.record({
      field: fc.constantFrom(...TEXT_FIELDS, ...DATE_FIELDS, 'starred' as const),
      operator: fc.constant('isnull' as const),
      values: fc.array(flag, { maxLength: 1 }),
    }),
    fc.record({
      field: fc.constantFrom(...DATE_FIELDS),
      operator: fc.constantFrom('' as const, 'in' as const, 'not' as const, ...ORDER_OPS),
      values: values(date),
    }),
    fc.record({
      field: fc.constant('starred' as const),
      operator: fc.constantFrom('' as const, 'not' as const, 'in' as const, ...ORDER_OPS),
      values: values(flag),
    }),
  ) as fc.Arbitrary<Condition>;
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI list in SQL on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let all: Prompt[] = [];

    beforeAll(async () => {
      store = await backend.open();
      reg = withVerbs(createRegistry(store));
      await reg.ensureWorkspace('default');
      const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };
      const { secret } = await reg.createKey(root, { name: 'ed', role: 'editor', workspace: 'default' });
      editor = (await reg.authenticate(secret))!;
      const seeds = fc.sample(
        fc.record({
          name: text,
          description: fc.oneof(text, fc.constant(null)),
          tags: fc.uniqueArray(text, { maxLength: 2 }),
          slug: fc.oneof(text, fc.constant(7), fc.constant(null)),
          starred: fc.constantFrom<unknown>(true, false, 'true', null),
          shown: fc.oneof(text, fc.constant(null)),
          versions: fc.nat(1),
        }),
        { numRuns: 30, seed: 11 },
      );
      for (const [i, s] of seeds.entries()) {
        const name = `${s.name}${i}`;
        const metadata: JsonObject = {};
        if (s.slug !== null) metadata.prompt_slug = s.slug;
        if (s.starred !== null) metadata.starred = s.starred as boolean;
        if (s.shown !== null)
          Object.assign(metadata, { keywordsai_name: s.shown, keywordsai_stored_name: name });
        const p = await reg.createPrompt(editor, {
          name,
          description: s.description,
          tags: s.tags,
          metadata,
        });
        if (s.versions)
          await reg.createVersion(editor, { id: p.id }, { messages: [{ role: 'user', content: 'x' }] });
      }
      all = (await reg.listPrompts(editor, { limit: 1000, offset: 0 })).items;
    });
    afterAll(async () => {
      await store?.close();
    });

    it('filters, sorts and pages as the in-memory rules do (fast-check)', async () => {
      const times = all.flatMap((p) => [p.createdAt.toISOString(), p.updatedAt.toISOString()]);
      await fc.assert(
        fc.asyncProperty(
          fc.array(conditionArb(times), { maxLength: 3 }),
          fc.constantFrom<'AND' | 'OR'>('AND', 'OR'),
          fc.constantFrom(...SORT_FIELDS),
          fc.boolean(),
          fc.nat(4),
          async (conditions, combine, field, desc, offset) => {
            const f: ParsedFilters = { conditions, combine, deleted: false };
            const sort = { field, desc };
            const want = sortRows(applyFilters(all.map(rowOf), f), sort).map((r) => r.seq);
            const got = await reg.listPrompts(editor, { ...listQuery(f, sort), limit: 5, offset });
            expect(got.total).toBe(want.length);
            expect(got.items.map((p) => p.seq)).toEqual(want.slice(offset, offset + 5));
          },
        ),
        { numRuns: 120, seed: 3 },
      );
    });

    it('a repeated name is stored as the first free "<name> (n)", wildcards taken literally', async () => {
      for (const name of ['w_x', 'wax (2)', 'w%', 'w% (2)', 'w% (x)', 'w%% (3)']) {
        await reg.createPrompt(editor, { name });
      }
      const create = async (name: string) =>
        (await reg.write(editor, { target: { kind: 'create', prompt: { name } }, allocateName: name }))
          .prompt;
      const wx = await create('w_x');
      expect(wx.name).toBe('w_x (2)');
      expect((await create('w%')).name).toBe('w% (3)');
      expect((await create('w%%')).name).toBe('w%%');
      // A rename to the name it has keeps it (the prompt itself does not count as taken).
      const self = await reg.getPrompt(editor, { name: 'w_x' });
      const renamed = await reg.write(editor, {
        target: { kind: 'prompt', ref: { id: self.id } },
        allocateName: 'w_x',
        fields: {},
      });
      expect(renamed.prompt.name).toBe('w_x');
    });

    it('refuses text operators on dates with a 400', () => {
      const f: ParsedFilters = {
        conditions: [{ field: 'created_at', operator: 'contains', values: ['2025'] }],
        combine: 'AND',
        deleted: false,
      };
      expect(() => listQuery(f, { field: 'id', desc: true })).toThrow(LecternError);
    });
  });
}
