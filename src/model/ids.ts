// Identifiers: UUIDv7 (time-ordered, so inserts stay index-friendly) and the dialects' renderings.
import { randomUUID } from 'node:crypto';

export function uuidv7(now = Date.now()): string {
  // A v4 UUID's random bits behind a 48-bit millisecond stamp: randomUUID draws from an entropy
  // pool Node refills in bulk, where randomBytes(16) made one OpenSSL call and a Buffer per id (an
  // id per request-log row). Its variant bits (10xx) are the ones v7 needs; only the version digit
  // changes.
  const r = randomUUID();
  const t = now.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(15)}`;
}

export const hex32 = (uuid: string) => uuid.replace(/-/g, '');

export function uuidFromHex32(hex: string): string | null {
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isUuid = (s: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58(bytes: Buffer): string {
  let n = BigInt('0x' + (bytes.toString('hex') || '0'));
  let out = '';
  while (n > 0n) {
    out = B58[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = '1' + out;
  }
  return out;
}

export function fromBase58(s: string): Buffer | null {
  let n = 0n;
  for (const ch of s) {
    const i = B58.indexOf(ch);
    if (i < 0) return null;
    n = n * 58n + BigInt(i);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const lead = s.match(/^1*/)![0].length;
  return Buffer.concat([Buffer.alloc(lead), Buffer.from(n === 0n ? '' : hex, 'hex')]);
}

/** A UUID rendered as base58 of its 16 bytes (NeMo's `prompt-<base58>` ids). */
export const uuidToBase58 = (uuid: string) => base58(Buffer.from(hex32(uuid), 'hex'));

export function uuidFromBase58(s: string): string | null {
  const b = fromBase58(s);
  if (!b || b.length > 16) return null;
  const padded = Buffer.concat([Buffer.alloc(16 - b.length), b]);
  return uuidFromHex32(padded.toString('hex'));
}
