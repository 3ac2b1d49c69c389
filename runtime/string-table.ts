// A compact, read-only hash table of strings in typed arrays: the form in which compiled
// policies hold blacklists (two million customers), exempt customers, group indexes and
// whitelists. Keys are stored once as WTF-8 (UTF-8 that also encodes lone surrogates, so two
// different JavaScript strings never share bytes), each preceded by its length as a varint,
// grouped by bucket; a bucket table gives where each bucket starts. With half as many buckets as
// keys a lookup hashes the key and compares about two candidates. Two million ten-character ids
// take about 26 MB: 22 MB of keys and 4 MB of buckets, and loading is a view over a buffer.
//
// Sections (prefix `p`): `p.keys` (u8), `p.buckets` (u32, buckets + 1 byte offsets) and, for a
// table that maps keys to numbers, `p.first` (u32, buckets + 1 entry indexes) and `p.values`
// (u32, one per key, in stored order).
import type { Blob, SectionArray } from './data-blob.ts';

/** Encodes `s` as WTF-8 into `buf` at `n` (the caller makes room: 3 bytes a unit); returns the end. */
function encodeInto(s: string, buf: Uint8Array, n: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[n++] = 0xf0 | (c >> 18);
          buf[n++] = 0x80 | ((c >> 12) & 0x3f);
          buf[n++] = 0x80 | ((c >> 6) & 0x3f);
          buf[n++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 0x3f);
      buf[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

/** FNV-1a over bytes, finished with murmur3's mixer so that the low bits are well spread. */
function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function bucketCount(n: number): number {
  let b = 1;
  while (b * 2 < n) b *= 2;
  return b;
}

const varintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);

/**
 * Builds the sections of a table. Keys must be distinct; `values[i]` belongs to `keys[i]`.
 * The same keys in the same order always give the same bytes.
 */
export function buildStringTable(prefix: string, keys: readonly string[], values?: ArrayLike<number>): [string, SectionArray][] {
  const n = keys.length;
  const nb = bucketCount(n);
  const mask = nb - 1;
  // Every key encoded once, back to back; `starts` says where each begins. Without surrogates
  // WTF-8 is UTF-8, which Node encodes natively; all-ASCII keys need no per-key measuring.
  const starts = new Uint32Array(n + 1);
  let all: Uint8Array;
  const joined = keys.join('');
  if (!/[\ud800-\udfff]/.test(joined)) {
    all = Buffer.from(joined, 'utf8');
    const ascii = all.length === joined.length;
    let at = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      at += ascii ? keys[i].length : Buffer.byteLength(keys[i], 'utf8');
    }
    starts[n] = at;
  } else {
    all = new Uint8Array(joined.length * 3);
    let end = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = end;
      end = encodeInto(keys[i], all, end);
    }
    starts[n] = end;
  }
  const bucketOf = new Uint32Array(n);
  const counts = new Uint32Array(nb + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const from = starts[i];
    const to = starts[i + 1];
    const b = hashBytes(all, from, to) & mask;
    bucketOf[i] = b;
    counts[b + 1]++;
    total += varintLength(to - from) + to - from;
  }
  // Entry positions by bucket (a stable counting sort: input order inside a bucket).
  const first = new Uint32Array(nb + 1);
  for (let b = 0; b < nb; b++) first[b + 1] = first[b] + counts[b + 1];
  const slot = first.slice(0, nb);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[slot[bucketOf[i]]++] = i;
  const bytes = new Uint8Array(total);
  const buckets = new Uint32Array(nb + 1);
  let at = 0;
  let e = 0;
  for (let b = 0; b < nb; b++) {
    buckets[b] = at;
    for (; e < first[b + 1]; e++) {
      const i = order[e];
      const from = starts[i];
      const to = starts[i + 1];
      let len = to - from;
      while (len >= 0x80) {
        bytes[at++] = (len & 0x7f) | 0x80;
        len >>>= 7;
      }
      bytes[at++] = len;
      for (let q = from; q < to; q++) bytes[at++] = all[q];
    }
  }
  buckets[nb] = at;
  const out: [string, SectionArray][] = [
    [`${prefix}.keys`, bytes],
    [`${prefix}.buckets`, buckets],
  ];
  if (values) {
    const vs = new Uint32Array(n);
    for (let k = 0; k < n; k++) vs[k] = values[order[k]];
    out.push([`${prefix}.first`, first], [`${prefix}.values`, vs]);
  }
  return out;
}

/** A string set or a string-to-number map over the sections `buildStringTable` wrote. */
export class StringTable {
  private readonly keys: Uint8Array;
  private readonly buckets: Uint32Array;
  private readonly first: Uint32Array | null;
  private readonly values: Uint32Array | null;
  private readonly mask: number;
  private scratch = new Uint8Array(256);

  constructor(blob: Blob, prefix: string) {
    this.keys = blob.u8(`${prefix}.keys`);
    this.buckets = blob.u32(`${prefix}.buckets`);
    this.mask = this.buckets.length - 2;
    this.first = blob.has(`${prefix}.first`) ? blob.u32(`${prefix}.first`) : null;
    this.values = this.first ? blob.u32(`${prefix}.values`) : null;
  }

  /** The number of keys. */
  get size(): number {
    return this.first ? this.first[this.first.length - 1] : this.count();
  }

  private count(): number {
    let n = 0;
    const k = this.keys;
    for (let p = 0; p < k.length; n++) {
      let len = 0;
      let shift = 0;
      let b: number;
      do {
        b = k[p++];
        len |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      p += len;
    }
    return n;
  }

  /** The index (in stored order) of `key`, or -1. */
  private find(key: string): number {
    // ASCII keys (the common case: ids) are hashed and compared straight from the string;
    // others are encoded to WTF-8 first.
    const n = key.length;
    let h = 0x811c9dc5;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (!ascii) return this.findEncoded(key);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const b = (h >>> 0) & this.mask;
    const k = this.keys;
    let p = this.buckets[b];
    const end = this.buckets[b + 1];
    let index = this.first ? this.first[b] : 0;
    while (p < end) {
      let len = k[p++];
      if (len & 0x80) {
        len &= 0x7f;
        let shift = 7;
        let c: number;
        do {
          c = k[p++];
          len |= (c & 0x7f) << shift;
          shift += 7;
        } while (c & 0x80);
      }
      if (len === n) {
        let i = 0;
        while (i < n && k[p + i] === key.charCodeAt(i)) i++;
        if (i === n) return index;
      }
      p += len;
      index++;
    }
    return -1;
  }

  private findEncoded(key: string): number {
    if (this.scratch.length < key.length * 3) this.scratch = new Uint8Array(key.length * 3 + 16);
    const s = this.scratch;
    const n = encodeInto(key, s, 0);
    const b = hashBytes(s, 0, n) & this.mask;
    const k = this.keys;
    let p = this.buckets[b];
    const end = this.buckets[b + 1];
    let index = this.first ? this.first[b] : 0;
    while (p < end) {
      let len = k[p++];
      if (len & 0x80) {
        len &= 0x7f;
        let shift = 7;
        let c: number;
        do {
          c = k[p++];
          len |= (c & 0x7f) << shift;
          shift += 7;
        } while (c & 0x80);
      }
      if (len === n) {
        let i = 0;
        while (i < n && k[p + i] === s[i]) i++;
        if (i === n) return index;
      }
      p += len;
      index++;
    }
    return -1;
  }

  has(key: string): boolean {
    return this.find(key) !== -1;
  }

  /** The value stored with `key`, or -1 when the key is absent. */
  get(key: string): number {
    const i = this.find(key);
    return i === -1 || !this.values ? -1 : this.values[i];
  }
}
