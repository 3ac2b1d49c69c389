// A keyword matcher's data (runtime/matcher/matcher-data.ts) as sections of a compiled policy's
// data blob, and back: code generation stores each normalisation profile's automaton this way, and
// the runtime support opens it without rebuilding anything.
//
// The encoding follows the data's own shape, so it keeps working when the matcher's layout
// changes: every typed array field becomes a section `p.<field>`, and the other fields (numbers,
// strings, the steps) go, with the list of array fields and their types, into `p.meta`: JSON as
// UTF-16 units. Field names come from the matcher's code, never from a policy.
import type { Blob, SectionArray, SectionType } from './data-blob.ts';
import { encodeStrings, stringAt } from './data-blob.ts';
import { stringsOffsets, stringsUnits } from './blob-layout.ts';
import type { MatcherData } from '../../matcher/matcher-data.ts';

function sectionType(a: ArrayBufferView): SectionType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Float64Array) return 'f64';
  throw new Error(`cannot store a ${a.constructor.name} in a data blob`);
}

/** The string list (one JSON text) of a matcher's meta data. */
const metaOf = (prefix: string) => `${prefix}.meta`;

interface Meta {
  arrays: [string, SectionType][];
  values: Record<string, unknown>;
}

export function matcherSections(prefix: string, data: MatcherData): [string, SectionArray][] {
  const meta: Meta = { arrays: [], values: {} };
  const out: [string, SectionArray][] = [];
  const record = data as unknown as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (ArrayBuffer.isView(v)) {
      meta.arrays.push([key, sectionType(v)]);
      out.push([`${prefix}.${key}`, v as SectionArray]);
    } else {
      meta.values[key] = v;
    }
  }
  const { units, offsets } = encodeStrings([JSON.stringify(meta)]);
  return [[stringsUnits(metaOf(prefix)), units], [stringsOffsets(metaOf(prefix)), offsets], ...out];
}

export function matcherFromBlob(blob: Blob, prefix: string): MatcherData {
  const meta = JSON.parse(stringAt(blob.u16(stringsUnits(metaOf(prefix))), blob.u32(stringsOffsets(metaOf(prefix))), 0)) as Meta;
  const data: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(meta.values)) data[key] = v;
  for (const [key, type] of meta.arrays) data[key] = blob[type](`${prefix}.${key}`);
  return { ...data } as unknown as MatcherData;
}
