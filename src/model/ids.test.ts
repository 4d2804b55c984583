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
