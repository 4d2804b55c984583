import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PgDialect } from 'drizzle-orm/pg-core';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor, JsonObject, Prompt } from '../model/types.ts';
import { LecternError } from '../model/errors.ts';
import { createRegistry } from './index.ts';
import { compilePromptFilter, type PromptFilter, type PromptFilterScalar } from './prompt-filter.ts';
import { compareCodePoints, evaluatePromptFilter } from '../../test/support/prompt-filter-oracle.ts';
import { withVerbs, type TestRegistry } from '../../test/support/verbs.ts';

const dialect = new PgDialect();
const toQuery = (f: PromptFilter) => dialect.sqlToQuery(compilePromptFilter(f));

describe('prompt filter compiler', () => {
  it('binds every value as a parameter, never as SQL text', () => {
    const hostile = `x'); drop table prompts; --%_\\`;
    const q = toQuery({
      or: [
        { field: 'name', op: 'contains', value: hostile },
        { field: 'metadata.a.b', op: 'eq', value: hostile },
        { field: 'tags', op: 'icontains', value: hostile },
      ],
    });
    expect(q.sql).not.toContain('drop table');
    expect(q.params).toContain(`%x'); drop table prompts; --\\%\\_\\\\%`);
    expect(q.params).toContain(JSON.stringify(hostile));
  });

  it('escapes LIKE wildcards and anchors startswith/endswith', () => {
    expect(toQuery({ field: 'name', op: 'startswith', value: 'a%b_' }).params).toContain('a\\%b\\_%');
    expect(toQuery({ field: 'name', op: 'endswith', value: '50%' }).params).toContain('%50\\%');
  });

  it('folds empty and/or into true/false and keeps every leaf two-valued', () => {
    expect(toQuery({ and: [] }).sql).toBe('true');
    expect(toQuery({ or: [] }).sql).toBe('false');
    expect(toQuery({ field: 'description', op: 'eq', value: 'x' }).sql).toMatch(/^coalesce\(/);
  });

  it('refuses fields, ops and values that do not fit', () => {
    expect(() => toQuery({ field: 'colour' as 'name', op: 'eq', value: 'x' })).toThrow(/unknown/);
    expect(() => toQuery({ field: 'metadata.a b', op: 'eq', value: 'x' })).toThrow(/metadata path/);
    expect(() => toQuery({ field: 'seq', op: 'contains', value: 'x' })).toThrow(/text fields/);
    expect(() => toQuery({ field: 'created_at', op: 'gt', value: 'yesterday' })).toThrow(/Date/);
    expect(() => toQuery({ field: 'name', op: 'bogus' as 'eq', value: 'x' })).toThrow(/unknown/);
  });

  it('orders text by code point', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('B', 'a')).toBeLessThan(0);
  });
});

// Values from a small alphabet with wildcards, escapes, case and a non-ASCII letter, so the
// random filters hit and miss the seeded prompts often.
const WORDS = ['a', 'A', 'ab', 'Ab', 'b%', '_', '\\', 'é', 'É', 'x', ''];
const word = fc.constantFrom(...WORDS);
const text = fc.array(word, { minLength: 0, maxLength: 3 }).map((ws) => ws.join(''));

const TEXT_OPS = [
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'iexact',
] as const;
const ORDER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const EQ_OPS = ['eq', 'ne'] as const;

function leafArb(times: Date[]): fc.Arbitrary<PromptFilter> {
  const textField = fc.constantFrom('name', 'description', 'project', 'id_hex');
  const textValue: fc.Arbitrary<PromptFilterScalar> = fc.oneof(text, fc.constant(null));
  const time = fc.constantFrom(...times);
  const metaField = fc.constantFrom('metadata.slug', 'metadata.star', 'metadata.deep.k', 'metadata.missing');
  const metaValue = fc.oneof(text, fc.boolean(), fc.integer({ min: -2, max: 2 }), fc.constant(null));
  return fc.oneof(
    fc.record({ field: textField, op: fc.constantFrom(...EQ_OPS, ...ORDER_OPS), value: textValue }),
    fc.record({ field: textField, op: fc.constantFrom(...TEXT_OPS), value: text }),
    fc.record({
      field: textField,
      op: fc.constantFrom('in' as const, 'not_in' as const),
      value: fc.array(textValue, { maxLength: 3 }),
    }),
    fc.record({ field: textField, op: fc.constant('isnull' as const), value: fc.boolean() }),
    fc.record({
      field: fc.constant('tags' as const),
      op: fc.constantFrom(...EQ_OPS, ...ORDER_OPS, ...TEXT_OPS),
      value: text,
    }),
    fc.record({
      field: fc.constant('tags' as const),
      op: fc.constantFrom('in' as const, 'not_in' as const),
      value: fc.array(text, { maxLength: 3 }),
    }),
    fc.record({
      field: fc.constant('tags' as const),
      op: fc.constant('isnull' as const),
      value: fc.boolean(),
    }),
    fc.record({
      field: fc.constantFrom('created_at' as const, 'updated_at' as const),
      op: fc.constantFrom(...EQ_OPS, ...ORDER_OPS),
      value: time,
    }),
    fc.record({
      field: fc.constantFrom('seq' as const, 'last_version' as const),
      op: fc.constantFrom(...EQ_OPS, ...ORDER_OPS),
      value: fc.integer({ min: 0, max: 60 }),
    }),
    fc.record({
      field: fc.constant('is_snippet' as const),
      op: fc.constantFrom(...EQ_OPS),
      value: fc.boolean(),
    }),
    fc.record({ field: metaField, op: fc.constantFrom(...EQ_OPS, 'isnull' as const), value: metaValue }),
    fc.record({ field: metaField, op: fc.constantFrom(...TEXT_OPS), value: text }),
    fc.record({
      field: metaField,
      op: fc.constantFrom(...ORDER_OPS),
      value: fc.oneof(text, fc.integer({ min: -2, max: 2 })),
    }),
    fc.record({
      field: metaField,
      op: fc.constantFrom('in' as const, 'not_in' as const),
      value: fc.array(metaValue, { maxLength: 3 }),
    }),
  ) as fc.Arbitrary<PromptFilter>;
}

function filterArb(times: Date[]): fc.Arbitrary<PromptFilter> {
  const leaf = leafArb(times);
  return fc.letrec<{ node: PromptFilter }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
    ),
  })).node;
}

const ALIAS = { metadataKey: 'shown', guardKey: 'stored' };

for (const backend of backends) {
  describe.skipIf(!backend.available)(`prompt filters in SQL on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let all: Prompt[] = [];
    const projectNames = new Map<string, string>();

    beforeAll(async () => {
      store = await backend.open();
      reg = withVerbs(createRegistry(store));
      await reg.ensureWorkspace('default');
      await reg.ensureWorkspace('elsewhere');
      const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };
      const { secret } = await reg.createKey(root, { name: 'ed', role: 'editor', workspace: 'default' });
      editor = (await reg.authenticate(secret))!;
      for (const name of ['pa', 'Pb', 'p%é', 'gone']) {
        const pj = await reg.createProject(editor, 'default', { name });
        projectNames.set(pj.id, name);
      }
      const rand = fc.sample(
        fc.record({
          name: text,
          description: fc.oneof(text, fc.constant(null)),
          tags: fc.uniqueArray(text, { maxLength: 3 }),
          project: fc.constantFrom(null, 'pa', 'Pb', 'p%é', 'gone'),
          isSnippet: fc.boolean(),
          slug: fc.oneof(text, fc.integer({ min: -2, max: 2 }), fc.constant(null)),
          star: fc.oneof(fc.boolean(), fc.constant('true')),
          deep: fc.oneof(text, fc.constant(null)),
          aliased: fc.nat(2),
          versions: fc.nat(2),
        }),
        { numRuns: 40, seed: 42 },
      );
      for (const [i, r] of rand.entries()) {
        const name = `${r.name}#${i}`;
        const metadata: JsonObject = { star: r.star, deep: r.deep === null ? {} : { k: r.deep } };
        if (r.slug !== null) metadata.slug = r.slug;
        // 0: no alias; 1: a valid alias; 2: an alias whose guard no longer matches the name
        if (r.aliased)
          Object.assign(metadata, { shown: `${r.name}`, stored: r.aliased === 1 ? name : 'old' });
        const p = await reg.createPrompt(editor, {
          name,
          description: r.description,
          tags: r.tags,
          project: r.project,
          isSnippet: r.isSnippet,
          metadata,
        });
        for (let v = 0; v < r.versions; v++) {
          await reg.createVersion(editor, { id: p.id }, { messages: [{ role: 'user', content: 'x' }] });
        }
      }
      await reg.deleteProject(editor, 'default', 'gone');
      projectNames.delete([...projectNames].find(([, n]) => n === 'gone')![0]);
      // A prompt of another workspace never shows up.
      await reg.createPrompt(root, { workspace: 'elsewhere', name: 'a#x' });
      all = (await reg.listPrompts(editor, { limit: 1000, offset: 0 })).items;
    });
    afterAll(async () => {
      await store?.close();
    });

    const ctx = () => ({ projectName: (id: string) => projectNames.get(id) ?? null, displayName: ALIAS });
    const times = () => {
      const ts = all.flatMap((p) => [p.createdAt, p.updatedAt]);
      return [...ts, ...ts.map((t) => new Date(t.getTime() + 1)), new Date(0)];
    };

    it('seeded 40 prompts', () => {
      expect(all).toHaveLength(40);
    });

    it('SQL keeps exactly the prompts the in-memory evaluation keeps (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(filterArb(times()), async (where) => {
          const got = await reg.listPrompts(editor, { where, displayName: ALIAS, limit: 1000, offset: 0 });
          const want = all.filter((p) => evaluatePromptFilter(where, p, ctx()));
          expect(got.items.map((p) => p.seq).sort((a, b) => a - b)).toEqual(
            want.map((p) => p.seq).sort((a, b) => a - b),
          );
          expect(got.total).toBe(want.length);
        }),
        { numRuns: 150, seed: 7 },
      );
    });

    it('sorts by the display name, seq and times, ties broken on seq, and pages in SQL', async () => {
      const where: PromptFilter = { field: 'name', op: 'icontains', value: 'a' };
      const ctxv = ctx();
      const kept = all.filter((p) => evaluatePromptFilter(where, p, ctxv));
      expect(kept.length).toBeGreaterThan(6);
      const shown = (p: Prompt) =>
        typeof p.metadata.shown === 'string' && p.metadata.stored === p.name ? p.metadata.shown : p.name;
      const byName = [...kept].sort((a, b) => compareCodePoints(shown(a), shown(b)) || a.seq - b.seq);
      const page = await reg.listPrompts(editor, {
        where,
        displayName: ALIAS,
        sort: { field: 'name', dir: 'asc' },
        limit: 3,
        offset: 3,
      });
      expect(page.total).toBe(kept.length);
      expect(page.items.map((p) => p.seq)).toEqual(byName.slice(3, 6).map((p) => p.seq));
      const bySeq = await reg.listPrompts(editor, {
        where,
        sort: { field: 'seq', dir: 'desc' },
        limit: 2,
        offset: 1,
      });
      expect(bySeq.items.map((p) => p.seq)).toEqual(
        kept
          .map((p) => p.seq)
          .sort((a, b) => b - a)
          .slice(1, 3),
      );
    });

    it('answers a filter it cannot compile with a 400', async () => {
      await expect(
        reg.listPrompts(editor, { where: { field: 'seq', op: 'contains', value: 'x' }, limit: 1, offset: 0 }),
      ).rejects.toSatisfy((e: unknown) => e instanceof LecternError && e.code === 'bad_request');
    });
  });
}
