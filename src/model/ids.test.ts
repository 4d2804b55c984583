import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hex32, isUuid, uuidFromBase58, uuidFromHex32, uuidToBase58, uuidv7 } from './ids.ts';

describe('ids', () => {
  it('uuidv7 is a version-7 UUID and sorts by creation time', () => {
    const a = uuidv7(1_000);
    const b = uuidv7(2_000);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });

  it('uuidv7 carries the millisecond stamp, version 7, the RFC variant and fresh random bits', () => {
    const now = Date.UTC(2026, 11, 2, 3, 30);
    const ids = Array.from({ length: 200 }, () => uuidv7(now));
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(hex32(id).slice(0, 12), 16)).toBe(now);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(15))).size).toBe(ids.length);
  });

  it('round-trips through the 32-hex and base58 renderings', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(uuidFromHex32(hex32(u))).toBe(u.toLowerCase());
        expect(uuidFromBase58(uuidToBase58(u))).toBe(u.toLowerCase());
      }),
    );
  });

  it('rejects malformed renderings', () => {
    expect(uuidFromHex32('xyz')).toBeNull();
    expect(uuidFromBase58('0OIl')).toBeNull();
  });
});
