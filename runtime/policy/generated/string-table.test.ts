// The compact string table and the data blob: exact membership for any JavaScript string (lone
// surrogates, long keys, `__proto__`), values, and a round trip through the blob's bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBlob, encodeStrings, openBlob, stringAt, blobFromBase64, blobToBase64 } from './data-blob.ts';
import { buildStringTable, FILTER_MIN_KEYS, StringTable } from './string-table.ts';

function table(keys: string[], values?: number[]): StringTable {
  return new StringTable(openBlob(encodeBlob(buildStringTable('t', keys, values))), 't');
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '\u00e9', '\u52a0', '\ud800', '\udc00', '\ud83d\ude00', '\u0000'), maxLength: 8 }),
  fc.constantFrom('', '__proto__', 'constructor', 'x'.repeat(200), '\u52a0'.repeat(60)),
);

describe('StringTable', () => {
  it('holds exactly its keys (fast-check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyString, { maxLength: 60 }), fc.array(anyString, { maxLength: 30 }), (keys, probes) => {
        const t = table(keys, keys.map((_, i) => i * 7));
        const set = new Set(keys);
        for (const k of keys) expect(t.get(k)).toBe(keys.indexOf(k) * 7);
        for (const p of probes) expect(t.has(p)).toBe(set.has(p));
        expect(t.size).toBe(keys.length);
      }),
    );
  });

  it('tells lone surrogates apart from U+FFFD and from each other', () => {
    const t = table(['\ud800', 'a\udc00']);
    expect(t.has('\ud800')).toBe(true);
    expect(t.has('\ufffd')).toBe(false);
    expect(t.has('\udc00')).toBe(false);
    expect(t.has('a\udc00')).toBe(true);
    expect(t.has('a\ud800')).toBe(false);
  });

  it('handles an empty table and a large one', () => {
    expect(table([]).has('')).toBe(false);
    const keys = Array.from({ length: 100_000 }, (_, i) => `c-${i.toString(36)}`);
    const t = table(keys);
    expect(keys.every((k) => t.has(k))).toBe(true);
    expect(t.has('c-')).toBe(false);
    expect(t.has(`c-${(100_000).toString(36)}`)).toBe(false);
  });

  it('gives the same bytes for the same keys', () => {
    const keys = ['b', 'a', '__proto__', '\u52a0'];
    expect(Buffer.from(encodeBlob(buildStringTable('t', keys))).equals(Buffer.from(encodeBlob(buildStringTable('t', keys))))).toBe(true);
  });
});

describe('data blob', () => {
  it('round-trips sections and strings, also through base64 and unaligned bytes', () => {
    const strings = ['', 'a', '\ud800', '加微信', '__proto__'];
    const { units, offsets } = encodeStrings(strings);
    const bytes = encodeBlob([
      ['s.units', units],
      ['s.offsets', offsets],
      ['n', Int32Array.of(-1, 2, 3)],
      ['f', Float64Array.of(0.5)],
    ]);
    const unaligned = new Uint8Array(bytes.length + 3).subarray(3);
    unaligned.set(bytes);
    for (const b of [bytes, blobFromBase64(blobToBase64(bytes)), unaligned]) {
      const blob = openBlob(b);
      expect(strings.map((_, i) => stringAt(blob.u16('s.units'), blob.u32('s.offsets'), i))).toEqual(strings);
      expect([...blob.i32('n')]).toEqual([-1, 2, 3]);
      expect(blob.f64('f')[0]).toBe(0.5);
      expect(() => blob.u32('n')).toThrow(/not u32/);
      expect(() => blob.u8('missing')).toThrow(/missing/);
    }
    expect(() => openBlob(new Uint8Array(32))).toThrow(/not a Hush data blob/);
  });
});

describe('StringTable filter', () => {
  const keys = Array.from({ length: 50_000 }, (_, i) => `c-${(i * 7919).toString(36)}`);
  const t = table(keys, keys.map((_, i) => i));
  const others = Array.from({ length: 20_000 }, (_, i) => `nobody-${i}`);

  it('is there only from FILTER_MIN_KEYS keys on', () => {
    expect(table(keys.slice(0, FILTER_MIN_KEYS - 1)).filterRejects(others)).toBeNull();
    expect(t.filterRejects(others)).not.toBeNull();
  });

  it('never turns a key away, and turns away nearly every other string', () => {
    expect(t.filterRejects(keys)).toBe(0);
    expect(keys.every((k, i) => t.get(k) === i)).toBe(true);
    // 8 to 16 bits a key, 6 probes: well under 5% false positives.
    expect(t.filterRejects(others)!).toBeGreaterThan(0.95);
    expect(others.some((o) => t.has(o))).toBe(false);
  });

  it('keeps exact membership for any string in front of a filter (fast-check)', () => {
    const big = [...keys.slice(0, FILTER_MIN_KEYS), '\ud800', 'a\udc00', '加微信', '__proto__', 'x'.repeat(300)];
    const tb = table(big);
    const set = new Set(big);
    expect(tb.filterRejects(big)).toBe(0);
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 40 }), (probes) => {
        for (const p of probes) expect(tb.has(p)).toBe(set.has(p));
      }),
    );
    for (const k of big) expect(tb.has(k)).toBe(true);
  });
});
