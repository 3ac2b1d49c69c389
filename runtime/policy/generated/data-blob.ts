// The data blob of a compiled policy: named typed arrays in one binary buffer, so that large
// data (two million blacklisted customers, the keyword automaton, group indexes) loads as a few
// views over one file instead of being parsed as JavaScript. Generated modules carry it inline
// (base64) or beside them (`<name>.data.bin`); code generation writes it, the runtime opens it.
//
// Layout: the ASCII magic `HUSHDATA`, a little-endian u32 format version, a u32 header length,
// the header (JSON: `[[name, type, byteOffset, length], …]`, names chosen by the compiler, never
// policy text), then each section at an 8-byte aligned offset from the start of the blob. The
// same sections in the same order always give the same bytes.

export type SectionType = 'u8' | 'u16' | 'u32' | 'i32' | 'f64';
export type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

const MAGIC = 'HUSHDATA';
export const BLOB_VERSION = 1;

const CTORS = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array,
} as const;

function typeOf(a: SectionArray): SectionType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  return 'f64';
}

const align8 = (n: number) => (n + 7) & ~7;

/** Writes sections (in the order given) into one blob. */
export function encodeBlob(sections: ReadonlyArray<readonly [string, SectionArray]>): Uint8Array {
  const seen = new Set<string>();
  for (const [name] of sections) {
    if (seen.has(name)) throw new Error(`duplicate blob section ${name}`);
    seen.add(name);
  }
  // The header's size depends on the offsets, which depend on the header's size: offsets are
  // computed relative to the data start and the data start is padded after the header.
  const rel: [string, SectionType, number, number][] = [];
  let at = 0;
  for (const [name, arr] of sections) {
    rel.push([name, typeOf(arr), at, arr.length]);
    at = align8(at + arr.byteLength);
  }
  const header = new TextEncoder().encode(JSON.stringify(rel));
  const dataStart = align8(16 + header.length);
  const out = new Uint8Array(dataStart + at);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, BLOB_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  sections.forEach(([, arr], i) => {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), dataStart + rel[i][2]);
  });
  return out;
}

export interface Blob {
  has(name: string): boolean;
  u8(name: string): Uint8Array;
  u16(name: string): Uint16Array;
  u32(name: string): Uint32Array;
  i32(name: string): Int32Array;
  f64(name: string): Float64Array;
}

/**
 * Opens a blob without copying when the bytes are suitably aligned (a Node file buffer may
 * not be: then it is copied once). Throws on a malformed blob: that is a build fault, not a
 * user's mistake.
 */
export function openBlob(input: Uint8Array): Blob {
  let bytes = input;
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error('not a Hush data blob');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BLOB_VERSION) throw new Error(`unsupported Hush data blob version ${version}`);
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as [string, SectionType, number, number][];
  const dataStart = align8(16 + headerLength);
  const sections = new Map<string, { type: SectionType; offset: number; length: number }>();
  for (const [name, type, offset, length] of header) sections.set(name, { type, offset: dataStart + offset, length });
  function get(name: string, type: SectionType): SectionArray {
    const s = sections.get(name);
    if (!s) throw new Error(`missing blob section ${name}`);
    if (s.type !== type) throw new Error(`blob section ${name} is ${s.type}, not ${type}`);
    return new CTORS[type](bytes.buffer as ArrayBuffer, bytes.byteOffset + s.offset, s.length);
  }
  return {
    has: (name) => sections.has(name),
    u8: (name) => get(name, 'u8') as Uint8Array,
    u16: (name) => get(name, 'u16') as Uint16Array,
    u32: (name) => get(name, 'u32') as Uint32Array,
    i32: (name) => get(name, 'i32') as Int32Array,
    f64: (name) => get(name, 'f64') as Float64Array,
  };
}

/** A list of strings as UTF-16 code units (exact, lone surrogates included) plus offsets. */
export function encodeStrings(strings: readonly string[]): { units: Uint16Array; offsets: Uint32Array } {
  let total = 0;
  for (const s of strings) total += s.length;
  const units = new Uint16Array(total);
  const offsets = new Uint32Array(strings.length + 1);
  let at = 0;
  strings.forEach((s, i) => {
    offsets[i] = at;
    for (let k = 0; k < s.length; k++) units[at++] = s.charCodeAt(k);
  });
  offsets[strings.length] = at;
  return { units, offsets };
}

/** The i-th string of an `encodeStrings` list. */
export function stringAt(units: Uint16Array, offsets: Uint32Array, i: number): string {
  const start = offsets[i];
  const end = offsets[i + 1];
  let out = '';
  for (let p = start; p < end; p += 4096) {
    out += String.fromCharCode.apply(null, units.subarray(p, Math.min(end, p + 4096)) as unknown as number[]);
  }
  return out;
}

/** Base64 of a blob, for modules that carry their data inline. */
export function blobToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes of an inline blob, 8-byte aligned. */
export function blobFromBase64(text: string): Uint8Array {
  const b = Buffer.from(text, 'base64');
  const out = new Uint8Array(new ArrayBuffer(align8(b.length)), 0, b.length);
  out.set(b);
  return out;
}
