// A compact, read-only hash table of strings in typed arrays: the form in which compiled
// policies hold blacklists (two million customers), exempt customers, group indexes and
// whitelists. Keys are stored once as WTF-8 (UTF-8 that also encodes lone surrogates, so two
// different JavaScript strings never share bytes), each preceded by its length as a varint,
// grouped by bucket; a bucket table gives where each bucket starts. With half as many buckets as
// keys a lookup hashes the key and compares about two candidates. Two million ten-character ids
// take about 26 MB: 22 MB of keys and 4 MB of buckets, and loading is a view over a buffer.
//
// A table of FILTER_MIN_KEYS keys or more also has a blocked Bloom filter in front: 512-bit blocks
// (one cache line each), about 8 to 16 bits a key, FILTER_PROBES bits a key in one block. Most
// look-ups in a large list are of strings that are not in it (a customer who is not blacklisted):
// the filter answers those from one cache line, where the table takes two dependent misses (its
// bucket, then the keys), which over the 26 MB of a 2,000,000-customer blacklist cost more than
// the rest of a message's decision's look-ups together (bench/RESULTS.md, Engine).
//
// Sections (prefix `p`): `p.keys` (u8), `p.buckets` (u32, buckets + 1 byte offsets), `p.filter`
// (u32, 16 words a block; large tables only) and, for a table that maps keys to numbers,
// `p.first` (u32, buckets + 1 entry indexes) and `p.values` (u32, one per key, in stored order).
import { isHighSurrogate, isLowSurrogate, pairCodePoint } from '../../text/utf16.ts';
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
      if (isHighSurrogate(c) && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (isLowSurrogate(d)) {
          c = pairCodePoint(c, d);
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

/** Tables with at least this many keys get a filter. */
export const FILTER_MIN_KEYS = 32_768;
/** Bits set per key in its block. */
const FILTER_PROBES = 6;

/** The number of 512-bit blocks of the filter of `n` keys: a power of two, 8 to 16 bits a key. */
function filterBlocks(n: number): number {
  let b = 1;
  while (b * 512 < n * 8) b *= 2;
  return b;
}

/**
 * The filter bits of a key hash `h` (the table's hash): its block from one mix of the hash, the
 * bit positions in the block by double hashing from two others. `set` sets them; else it says
 * whether all are set.
 */
function filterProbe(filter: Uint32Array, blockMask: number, h: number, set: boolean): boolean {
  const g = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  const block = ((g >>> 7) & blockMask) << 4;
  let a = Math.imul(h ^ (h >>> 13), 0x297a2d39);
  const d = Math.imul(h ^ (h >>> 16), 0x7feb352d) | 1;
  for (let i = 0; i < FILTER_PROBES; i++) {
    const bit = a >>> 23;
    const w = block + (bit >>> 5);
    const m = 1 << (bit & 31);
    if (set) filter[w] |= m;
    else if ((filter[w] & m) === 0) return false;
    a = (a + d) | 0;
  }
  return true;
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
  const filter = n >= FILTER_MIN_KEYS ? new Uint32Array(filterBlocks(n) * 16) : null;
  const blockMask = filter ? filter.length / 16 - 1 : 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const from = starts[i];
    const to = starts[i + 1];
    const h = hashBytes(all, from, to);
    if (filter) filterProbe(filter, blockMask, h, true);
    const b = h & mask;
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
  if (filter) out.push([`${prefix}.filter`, filter]);
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
  /** The filter (an empty array when the table has none) and its block mask. */
  private readonly filter: Uint32Array;
  private readonly blockMask: number;
  private scratch = new Uint8Array(256);

  constructor(blob: Blob, prefix: string) {
    this.keys = blob.u8(`${prefix}.keys`);
    this.buckets = blob.u32(`${prefix}.buckets`);
    this.mask = this.buckets.length - 2;
    this.filter = blob.has(`${prefix}.filter`) ? blob.u32(`${prefix}.filter`) : new Uint32Array(0);
    this.blockMask = this.filter.length / 16 - 1;
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
    if (this.filter.length > 0 && !this.mayHave(h >>> 0)) return -1;
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
    const h = hashBytes(s, 0, n);
    if (this.filter.length > 0 && !this.mayHave(h)) return -1;
    const b = h & this.mask;
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

  /** Whether the filter lets a key of hash `h` through. */
  private mayHave(h: number): boolean {
    return filterProbe(this.filter, this.blockMask, h, false);
  }

  /** Whether the table has a filter, and the share of `probes` it turns away (for tests and benchmarks). */
  filterRejects(probes: readonly string[]): number | null {
    if (this.filter.length === 0) return null;
    let rejected = 0;
    for (const p of probes) {
      const bytes = new Uint8Array(p.length * 3);
      if (!this.mayHave(hashBytes(bytes, 0, encodeInto(p, bytes, 0)))) rejected++;
    }
    return probes.length === 0 ? 0 : rejected / probes.length;
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
