// Pure rules of the dialect's wire: ids, timestamps, pages and error details.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { LecternError } from '../../model/errors.ts';
import { uuidv7 } from '../../model/ids.ts';
import { fieldOf, toKwError, validationDetail } from './errors.ts';
import { kwTime, promptIdOf, promptRefOf, versionIdOf, versionSelectorOf } from './ids.ts';
import { pageLinks, parsePage } from './pagination.ts';
import { VersionPatchBody } from './schemas.ts';

describe('ids', () => {
  it('renders and parses prompt and version ids', () => {
    const id = uuidv7();
    const hex = promptIdOf(id);
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(promptRefOf(hex)).toEqual({ id });
    expect(promptRefOf(id.toUpperCase())).toEqual({ id });
    expect(versionIdOf(id, 3)).toBe(`${hex}-3`);
    expect(versionSelectorOf('3', id)).toEqual({ number: 3 });
    expect(versionSelectorOf(`${hex}-4`, id)).toEqual({ number: 4 });
    expect(versionSelectorOf('latest', id)).toEqual({ latest: true });
  });

  it('anything else is a 404, never a crash', () => {
    const id = uuidv7();
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (s) => {
        try {
          const sel = versionSelectorOf(s, id);
          if ('number' in sel) expect(sel.number).toBeGreaterThanOrEqual(1);
        } catch (e) {
          expect((e as LecternError).code).toBe('not_found');
        }
        try {
          promptRefOf(s);
        } catch (e) {
          expect((e as LecternError).code).toBe('not_found');
        }
      }),
    );
    expect(() => versionSelectorOf(`${'a'.repeat(32)}-1`, id)).toThrow(LecternError);
    expect(() => versionSelectorOf('0', id)).toThrow(LecternError);
  });

  it('prints timestamps with microseconds and Z', () => {
    expect(kwTime(new Date('2025-08-21T01:43:02.242Z'))).toBe('2025-08-21T01:43:02.242000Z');
    expect(kwTime(null)).toBeNull();
  });
});

describe('pagination', () => {
  it('parses like DRF: bad page is 404, bad page_size falls back, large one is clamped', () => {
    const sizes = { default: 25, max: 100 };
    expect(parsePage({}, sizes)).toEqual({ page: 1, pageSize: 25, limit: 25, offset: 0 });
    expect(parsePage({ page: '3', page_size: '10' }, sizes)).toMatchObject({ offset: 20, limit: 10 });
    expect(parsePage({ page_size: '1000' }, sizes).pageSize).toBe(100);
    expect(parsePage({ page_size: 'abc' }, sizes).pageSize).toBe(25);
    expect(parsePage({ page_size: '0' }, sizes).pageSize).toBe(25);
    for (const page of ['0', '-1', 'x', '1.5'])
      expect(() => parsePage({ page }, sizes)).toThrow(/invalid page/);
  });

  it('builds absolute next/previous links that keep the other query parameters', () => {
    const url = new URL('https://kw.example/api/prompts/?page_size=2&sort_by=name&page=2');
    const links = pageLinks(url, parsePage({ page: '2', page_size: '2' }, { default: 25, max: 100 }), 5);
    expect(links.next).toBe('https://kw.example/api/prompts/?page_size=2&sort_by=name&page=3');
    expect(links.previous).toBe('https://kw.example/api/prompts/?page_size=2&sort_by=name');
    const last = pageLinks(url, parsePage({ page: '3', page_size: '2' }, { default: 25, max: 100 }), 5);
    expect(last.next).toBeNull();
  });
});

describe('error details', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(VersionPatchBody);
  const detail = (body: unknown) => {
    expect(validate(body)).toBe(false);
    return validationDetail(validate.errors as never, 'body');
  };

  it('names the field, with its path inside arrays and objects', () => {
    expect(fieldOf('/load_balance_models/0/weight')).toBe('load_balance_models[0].weight');
    expect(fieldOf('', 'messages')).toBe('messages');
    expect(detail({ temperature: 3 })).toBe('temperature: must be <= 2.');
    expect(detail({ top_p: -1 })).toBe('top_p: must be >= 0.');
    expect(detail({ load_balance_models: [{ model: 'a', weight: 0 }] })).toMatch(
      /^load_balance_models\[0\]\.weight: must be > 0/,
    );
    expect(detail({ reasoning_effort: 'max' })).toMatch(
      /^reasoning_effort: not a valid choice; expected one of "none"/,
    );
    expect(detail({ messages: [{ role: 'robot' }] })).toMatch(/^messages\[0\]\.role: not a valid choice/);
  });

  it('maps lifecycle refusals to 400 and keeps 401/403/404', () => {
    expect(toKwError(new LecternError({ kind: 'no_draft' }, 'there is no draft to commit'))).toEqual({
      status: 400,
      detail: 'There is no draft to commit.',
    });
    expect(toKwError(new LecternError({ kind: 'forbidden' }, 'x')).status).toBe(403);
    expect(toKwError(new LecternError({ kind: 'prompt_not_found', ref: 'x' }, 'prompt not found'))).toEqual({
      status: 404,
      detail: 'Prompt not found.',
    });
    expect(
      toKwError(new LecternError({ kind: 'unauthorized', reason: 'missing_key' }, 'missing API key')).detail,
    ).toBe('Authentication credentials were not provided.');
    expect(toKwError(new Error('boom'))).toEqual({ status: 500, detail: 'A server error occurred.' });
  });
});
