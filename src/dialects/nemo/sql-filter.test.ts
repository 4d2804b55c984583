// A NeMo filter's SQL form must keep exactly what `evaluate` keeps on the rendered prompt, on both
// backends, for random filters; and sorting and paging happen in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends } from '../../../test/support/stores.ts';
import type { Store } from '../../store/db.ts';
import type { Actor, Prompt } from '../../model/types.ts';
import { createRegistry } from '../../registry/index.ts';
import { evaluate, type FilterNode, type FilterRecord, type Op, type Scalar } from './filter.ts';
import { toPromptFilter } from './sql-filter.ts';
import { nemoTime, promptWire } from './wire.ts';
import { withVerbs, type TestRegistry } from '../../../test/support/verbs.ts';

const WORDS = ['a', 'A', 'b', 'é', '%', '_', ''];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }).map((w) => w.join(''));
const FIELDS = [
  'name',
  'description',
  'project',
  'workspace',
  'entity_type',
  'data.name',
  'data.description',
  'data.project',
  'data.tags',
  'data.workspace',
  'data.nothing',
  'data.name.x',
] as const;
const SCALAR_OPS: Op[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];

function leafArb(ids: string[], times: string[]): fc.Arbitrary<FilterNode> {
  const scalar: fc.Arbitrary<Scalar> = fc.oneof(text, fc.constant(null), fc.integer({ min: 0, max: 2 }));
  return fc.oneof(
    fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constantFrom(...SCALAR_OPS), value: scalar }),
    fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constant<Op>('like'), value: text }),
    fc.record({
      field: fc.constantFrom(...FIELDS),
      op: fc.constantFrom<Op>('in', 'nin'),
      value: fc.array(scalar, { maxLength: 3 }),
    }),
    fc.record({
      field: fc.constantFrom('created_at', 'updated_at'),
      op: fc.constantFrom(...SCALAR_OPS),
      value: fc.oneof(fc.constantFrom(...times), fc.constant(null)),
    }),
    fc.record({
      field: fc.constantFrom('created_at', 'updated_at'),
      op: fc.constantFrom<Op>('in', 'nin'),
      value: fc.array(fc.constantFrom(...times), { maxLength: 2 }),
    }),
    fc.record({
      field: fc.constantFrom('id', 'data.id'),
      op: fc.constantFrom<Op>('eq', 'ne'),
      value: fc.constantFrom(...ids, 'prompt-1', 'x'),
    }),
  ) as fc.Arbitrary<FilterNode>;
}

const treeArb = (ids: string[], times: string[]) =>
  fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb(ids, times),
      fc.record({ and: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
    ),
  })).node;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`NeMo filters in SQL on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let all: Prompt[] = [];
    const projects = new Map<string, string>();

    beforeAll(async () => {
      store = await backend.open();
      reg = withVerbs(createRegistry(store));
      await reg.ensureWorkspace('default');
      const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };
      const { secret } = await reg.createKey(root, { name: 'ed', role: 'editor', workspace: 'default' });
      editor = (await reg.authenticate(secret))!;
      for (const name of ['pa', 'b%'])
        projects.set((await reg.createProject(editor, 'default', { name })).id, name);
      const seeds = fc.sample(
        fc.record({
          name: text,
          description: fc.oneof(text, fc.constant(null)),
          tags: fc.uniqueArray(text, { maxLength: 2 }),
          project: fc.constantFrom(null, 'pa', 'b%'),
        }),
        { numRuns: 25, seed: 5 },
      );
      for (const [i, s] of seeds.entries()) {
        await reg.createPrompt(editor, { ...s, name: `${s.name}${i}` });
      }
      all = (await reg.listPrompts(editor, { limit: 1000, offset: 0 })).items;
    });
    afterAll(async () => {
      await store?.close();
    });

    const record = (p: Prompt): FilterRecord => {
      const w = promptWire(p, undefined, 'default', p.projectId ? (projects.get(p.projectId) ?? null) : null);
      return { ...w, entity_type: 'prompt', created_at: p.createdAt, updated_at: p.updatedAt, data: w };
    };

    it('keeps exactly what evaluate keeps, sorted and paged in SQL (fast-check)', async () => {
      const ids = all.slice(0, 3).map((p) => record(p).id as string);
      const times = all.flatMap((p) => [nemoTime(p.createdAt), p.updatedAt.toISOString()]);
      await fc.assert(
        fc.asyncProperty(treeArb(ids, times), fc.nat(3), async (tree, offset) => {
          const where = toPromptFilter(tree, 'default');
          expect(where).not.toBeNull();
          const sort = { field: 'name' as const, dir: 'asc' as const };
          const want = all
            .filter((p) => evaluate(tree, record(p)))
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.seq - b.seq));
          const got = await reg.listPrompts(editor, { where: where!, sort, limit: 4, offset });
          expect(got.total).toBe(want.length);
          expect(got.items.map((p) => p.seq)).toEqual(want.slice(offset, offset + 4).map((p) => p.seq));
        }),
        { numRuns: 150, seed: 9 },
      );
    });
  });
}
