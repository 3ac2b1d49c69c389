// The matcher's text normaliser: the same function as the reference normaliser
// (runtime/text/normalize-reference.ts, spec/language.md §10), computed from per-character tables
// instead of per-character calls, plus the tables themselves, which the keyword matcher folds
// into its character-to-class map so that its hot loop never builds a normalised string.
//
// The text is read one *unit* at a time: a code point with the combining marks that follow it.
// Each unit goes through the steps in a fixed order: width (NFKC), case, traditional,
// confusables (then case again), and symbols drops white space, controls, invisible formatting,
// punctuation and symbols (and marks left alone by a dropped symbol). Every UTF-16 unit of the
// result maps back to the whole span of the unit it came from. What the steps do to one unit,
// and the character classes, are runtime/text/normalize-steps.ts, shared with the reference; the
// tables, the unit splitting and the offset map are this file's own, and a test holds them to the
// reference on random text.
import { Converter } from 'opencc-js/t2cn';
import { canonicalSteps, isMark, normalizeUnitBy, stepFlags, type NormalizedText, type NormalizeStep, type StepFlags } from '../text/normalize-steps.ts';
import { codePointLength, isHighSurrogate, isLowSurrogate, isSurrogate } from '../text/utf16.ts';

export { canonicalSteps, isMark, NORMALIZE_STEP_ORDER, type NormalizedText, type NormalizeStep } from '../text/normalize-steps.ts';
export { codePointLength } from '../text/utf16.ts';

// Traditional to simplified, one character at a time, as the reference converts it. The table is
// built once, on first use, with one call of the converter over every candidate character
// (separated by line feeds, so no two characters ever form a phrase).
let simplifiedTable: Map<number, string> | null = null;

function simplifiedMap(): Map<number, string> {
  if (simplifiedTable) return simplifiedTable;
  const convert = Converter({ from: 't', to: 'cn' });
  const cps: number[] = [];
  for (let cp = 0x80; cp < 0x10000; cp++) if (!isSurrogate(cp)) cps.push(cp);
  for (let cp = 0x20000; cp < 0x32400; cp++) cps.push(cp);
  const source = cps.map((cp) => String.fromCodePoint(cp)).join('\n');
  const converted = convert(source).split('\n');
  const table = new Map<number, string>();
  if (converted.length === cps.length) {
    for (let i = 0; i < cps.length; i++) {
      const from = String.fromCodePoint(cps[i]);
      if (converted[i] !== from) table.set(cps[i], converted[i]);
    }
  } else {
    // Never expected: the converter merged or split lines. Fall back to one call per character.
    for (const cp of cps) {
      const from = String.fromCodePoint(cp);
      const to = convert(from);
      if (to !== from) table.set(cp, to);
    }
  }
  simplifiedTable = table;
  return table;
}

/** Normalises one unit (a code point and the marks that follow it), exactly as the reference does. */
function normalizeUnitWith(unit: string, f: StepFlags): string {
  return normalizeUnitBy(unit, f, simplifiedFromTable);
}

function simplifiedFromTable(cp: string): string {
  return simplifiedMap().get(cp.codePointAt(0)!) ?? cp;
}

/** How a code point, standing alone as a unit, behaves in the matcher's fast path. */
export const PairKind = {
  /** Normalises to itself (each of its UTF-16 units stands for itself). */
  Identity: 0,
  /** Normalises to nothing and is not a mark. */
  Skip: 1,
  /** Anything else: a mark, or a code point that normalises to something else. */
  Other: 2,
} as const;
export type PairKind = (typeof PairKind)[keyof typeof PairKind];

/** Per-unit normalisation of one set of steps, memoised, without the BMP tables. */
export interface UnitNormalizer {
  readonly steps: readonly NormalizeStep[];
  /** What a unit (a code point and its marks, as a string) becomes. */
  normalizeUnit(unit: string): string;
  /** What an astral code point becomes, standing alone (memoised). */
  astral(cp: number): string;
  /** How an astral code point behaves standing alone (memoised). */
  pairKind(cp: number): PairKind;
  /**
   * The memo of `pairKind`, for the kernels to read without a call: 2 bits per astral code point
   * (cp - 0x10000 = o at bits 2·(o & 15) of word o >> 4), 0 while unknown, else the kind plus 1.
   * 256 KiB per set of steps, shared by every matcher of those steps; only the pages of the
   * code points a text uses are ever touched.
   */
  readonly pairKinds: Int32Array;
}

const normalizers = new Map<string, UnitNormalizer>();

export function unitNormalizer(steps: readonly NormalizeStep[]): UnitNormalizer {
  const canonical = canonicalSteps(steps);
  const key = canonical.join(',');
  const known = normalizers.get(key);
  if (known) return known;
  const f = stepFlags(canonical);
  const identity = canonical.length === 0;
  const astralCache = new Map<number, string>();
  const pairKinds = new Int32Array(0x100000 >>> 4);
  const normalizer: UnitNormalizer = {
    steps: canonical,
    normalizeUnit: (u) => (identity ? u : normalizeUnitWith(u, f)),
    astral(cp) {
      let out = astralCache.get(cp);
      if (out === undefined) {
        out = identity ? String.fromCodePoint(cp) : normalizeUnitWith(String.fromCodePoint(cp), f);
        astralCache.set(cp, out);
      }
      return out;
    },
    pairKinds,
    pairKind(cp) {
      const o = cp - 0x10000;
      const known = (pairKinds[o >>> 4] >>> ((o & 15) << 1)) & 3;
      if (known !== 0) return (known - 1) as PairKind;
      const self = String.fromCodePoint(cp);
      const out = normalizer.astral(cp);
      const k = isMark(self) ? PairKind.Other : out === self ? PairKind.Identity : out === '' ? PairKind.Skip : PairKind.Other;
      pairKinds[o >>> 4] |= (k + 1) << ((o & 15) << 1);
      return k;
    },
  };
  normalizers.set(key, normalizer);
  return normalizer;
}

let markFreeBlocks: Uint8Array | null = null;

/**
 * Per high surrogate (index h for U+D800 + h): 1 when none of the 1,024 code points it starts is
 * a combining mark (U+E0100.., U+1D165.., Brahmi and other astral marks: 0). Under no
 * normalisation step a pair of such a high surrogate is always its two units, and never joins
 * the unit before it. Computed once per process, with one regular-expression pass over every
 * astral code point (a few milliseconds).
 */
export function markFreeHighSurrogates(): Uint8Array {
  if (markFreeBlocks) return markFreeBlocks;
  const free = new Uint8Array(1024).fill(1);
  const chunk = new Uint16Array(8192);
  const mark = /\p{M}/gu;
  for (let first = 0; first < 0x100000; first += 4096) {
    for (let o = 0; o < 4096; o++) {
      chunk[2 * o] = 0xd800 | ((first + o) >>> 10);
      chunk[2 * o + 1] = 0xdc00 | ((first + o) & 0x3ff);
    }
    const text = String.fromCharCode.apply(null, chunk as unknown as number[]);
    for (const m of text.matchAll(mark)) free[(first + (m.index >>> 1)) >>> 10] = 0;
  }
  markFreeBlocks = free;
  return free;
}

/** What one code unit becomes when it stands alone as a unit (no marks after it). */
export const UnitKind = {
  /** Becomes exactly one (BMP, non-surrogate) UTF-16 unit: `UnitTable.unit`. */
  One: 0,
  /** Becomes nothing. */
  Skip: 1,
  /** A combining mark: what it becomes depends on the unit it joins. */
  Mark: 2,
  /** Becomes several units, or one astral character. */
  Multi: 3,
  /** A high surrogate: what it becomes depends on the low surrogate after it. */
  High: 4,
  /**
   * A low surrogate under `symbols`: read with the high surrogate before it, it is half of a
   * pair; lone, it becomes nothing. (Without `symbols` a lone low surrogate is `One`, itself.)
   */
  Low: 5,
} as const;

/** Per-code-unit behaviour of one set of steps, for the BMP. */
export interface UnitTable {
  readonly steps: readonly NormalizeStep[];
  /** UnitKind per code unit. */
  readonly kind: Uint8Array;
  /** For `UnitKind.One`: the unit it becomes. */
  readonly unit: Uint16Array;
  /** The per-unit normaliser of the same steps. */
  readonly normalizer: UnitNormalizer;
}

const tables = new Map<string, UnitTable>();

/** The per-code-unit table of a set of steps, built once per process and step set. */
export function unitTable(steps: readonly NormalizeStep[]): UnitTable {
  const canonical = canonicalSteps(steps);
  const key = canonical.join(',');
  const known = tables.get(key);
  if (known) return known;
  const f = stepFlags(canonical);
  const kind = new Uint8Array(65536);
  const unit = new Uint16Array(65536);
  const identity = canonical.length === 0;
  // Marks are general category M: one regular expression over the whole BMP finds them.
  const marks = new Uint8Array(65536);
  for (let cp = 0; cp < 65536; cp++) {
    if (isSurrogate(cp)) continue;
    if (isMark(String.fromCharCode(cp))) marks[cp] = 1;
  }
  for (let cp = 0; cp < 65536; cp++) {
    if (isHighSurrogate(cp)) {
      kind[cp] = UnitKind.High;
      continue;
    }
    if (marks[cp]) {
      kind[cp] = UnitKind.Mark;
      continue;
    }
    if (identity || (isLowSurrogate(cp) && !f.symbols)) {
      // A lone low surrogate normalises to itself under every step but `symbols`, which skips it.
      kind[cp] = UnitKind.One;
      unit[cp] = cp;
      continue;
    }
    if (isLowSurrogate(cp)) {
      kind[cp] = UnitKind.Low;
      continue;
    }
    const out = normalizeUnitWith(String.fromCharCode(cp), f);
    if (out.length === 0) kind[cp] = UnitKind.Skip;
    else if (out.length === 1 && !isSurrogate(out.charCodeAt(0))) {
      kind[cp] = UnitKind.One;
      unit[cp] = out.charCodeAt(0);
    } else kind[cp] = UnitKind.Multi;
  }
  const table: UnitTable = { steps: canonical, kind, unit, normalizer: unitNormalizer(canonical) };
  tables.set(key, table);
  return table;
}

/** True when the code point at `i` is a combining mark. */
export function isMarkAt(text: string, i: number, table: UnitTable): boolean {
  const c = text.charCodeAt(i);
  if (isHighSurrogate(c) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) return isMark(text.slice(i, i + 2));
  return table.kind[c] === UnitKind.Mark;
}

/** The end of the unit that starts at `start`: after its code point and every mark that follows. */
export function unitEnd(text: string, start: number, table: UnitTable): number {
  let i = start + codePointLength(text, start);
  while (i < text.length && isMarkAt(text, i, table)) i += codePointLength(text, i);
  return i;
}

/**
 * Normalises a text and maps each unit of the result back to its unit in `text`: the same result
 * as the reference normaliser, from the table wherever a unit is a lone BMP code unit.
 */
export function normalizeText(text: string, steps: readonly NormalizeStep[]): NormalizedText {
  const table = unitTable(steps);
  const { kind, unit } = table;
  const n = text.length;
  const starts = new Int32Array(n * 2 + 8);
  const ends = new Int32Array(n * 2 + 8);
  const parts: string[] = [];
  let out: number[] = [];
  let k = 0;
  let s = starts;
  let e = ends;
  const push = (str: string, a: number, b: number) => {
    for (let j = 0; j < str.length; j++) {
      if (k === s.length) {
        const s2 = new Int32Array(s.length * 2);
        s2.set(s);
        s = s2;
        const e2 = new Int32Array(e.length * 2);
        e2.set(e);
        e = e2;
      }
      out.push(str.charCodeAt(j));
      s[k] = a;
      e[k] = b;
      k++;
    }
    if (out.length > 4096) {
      parts.push(String.fromCharCode(...out));
      out = [];
    }
  };
  let i = 0;
  while (i < n) {
    const start = i;
    const c = text.charCodeAt(i);
    const kc = kind[c];
    // The common case: a lone BMP code unit that no mark follows.
    if ((kc === UnitKind.One || kc === UnitKind.Skip) && (i + 1 >= n || !isMarkAt(text, i + 1, table))) {
      if (kc === UnitKind.One) {
        if (k === s.length) push(String.fromCharCode(unit[c]), i, i + 1);
        else {
          out.push(unit[c]);
          s[k] = i;
          e[k] = i + 1;
          k++;
          if (out.length > 4096) {
            parts.push(String.fromCharCode(...out));
            out = [];
          }
        }
      }
      i++;
      continue;
    }
    const end = unitEnd(text, start, table);
    const len = codePointLength(text, start);
    const normalized = end === start + len && len === 2 ? table.normalizer.astral(text.codePointAt(start)!) : table.normalizer.normalizeUnit(text.slice(start, end));
    push(normalized, start, end);
    i = end;
  }
  if (out.length) parts.push(String.fromCharCode(...out));
  return { text: parts.join(''), starts: s.slice(0, k), ends: e.slice(0, k) };
}

/** Normalises a keyword or an exception phrase: the same steps, no map. */
export function normalizeKeyword(text: string, steps: readonly NormalizeStep[]): string {
  return normalizeWithTable(text, unitTable(steps));
}

const keywordUnits = new Uint16Array(256);

/** The normalised text alone; from the table when every unit is a lone BMP code unit. */
export function normalizeWithTable(text: string, table: UnitTable): string {
  const n = text.length;
  if (n <= keywordUnits.length) {
    const { kind, unit } = table;
    let k = 0;
    let simple = true;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const kc = kind[c];
      if (kc === UnitKind.One) keywordUnits[k++] = unit[c];
      else if (kc !== UnitKind.Skip) {
        simple = false;
        break;
      }
    }
    if (simple) return String.fromCharCode.apply(null, keywordUnits.subarray(0, k) as unknown as number[]);
  }
  return normalizeText(text, table.steps).text;
}
