import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonText, lineColumn, parseJsonField } from './json-fields.ts';

describe('parseJsonField', () => {
  it('an empty field is null', () => {
    expect(parseJsonField('  \n', 'array', 'Tools')).toEqual({ ok: true, value: null });
  });

  it('a syntax error is reported at its line and column', () => {
    const text = '[\n  {"type": "function",\n   "function": {"name": "f",}}\n]';
    const r = parseJsonField(text, 'array', 'Tools');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issue.line).toBe(3);
    // At the stray closing brace after the trailing comma.
    expect(text.split('\n')[2]![r.issue.column - 1]).toBe('}');
    expect(r.issue.message).toMatch(/^Tools is not valid JSON/);
  });

  it('an unterminated document points at its end', () => {
    const r = parseJsonField('{"type": "json_object"', 'object', 'Response format');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue).toMatchObject({ line: 1 });
  });

  it('the wrong kind is an error at the value', () => {
    const r = parseJsonField('\n  {"a": 1}', 'array', 'Tools');
    expect(r).toEqual({ ok: false, issue: { message: 'Tools must be a JSON array', line: 2, column: 3 } });
    expect(parseJsonField('"auto"', 'any', 'Tool choice')).toEqual({ ok: true, value: 'auto' });
    expect(parseJsonField('[1]', 'object', 'Response format').ok).toBe(false);
  });

  it('round-trips any JSON value through its editor text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseJsonField(jsonText(v), 'any', 'x');
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(v === null ? null : JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('never throws on hostile text, and an error position is inside the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (t) => {
        const r = parseJsonField(t, 'any', 'x');
        if (!r.ok) {
          const lines = t.split('\n');
          expect(r.issue.line).toBeGreaterThanOrEqual(1);
          expect(r.issue.line).toBeLessThanOrEqual(lines.length);
          expect(r.issue.column).toBeLessThanOrEqual(lines[r.issue.line - 1]!.length + 1);
        }
      }),
    );
  });

  it('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
