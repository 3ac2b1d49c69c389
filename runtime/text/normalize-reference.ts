// The reference text normaliser: the plainest correct implementation of spec/language.md §10,
// with a map from every normalised UTF-16 unit back to the span of the original text it came
// from. The interpreter uses it; the fast matcher's normaliser (runtime/matcher/) must give the
// same text and the same map on every input, and a test holds it to that.
//
// The text is read one *unit* at a time: a code point with the combining marks that follow it
// (so `e` + U+0301 and `é` normalise alike). Each unit goes through the steps in a fixed order,
// whatever order the policy lists them in: width (NFKC), case, traditional, confusables, then
// symbols drops what is left of symbols, spaces, punctuation and invisible characters. Every
// code point a unit yields maps to the unit's whole span, so a span never splits a surrogate
// pair or a base character from its marks.
import { Converter } from 'opencc-js/t2cn';
import type { IrNormalizeStep } from '../ir.ts';

export interface NormalizedText {
  /** The normalised text. */
  text: string;
  /** For each UTF-16 unit of `text`: the start of its unit in the original text. */
  starts: Int32Array;
  /** For each UTF-16 unit of `text`: the end of its unit in the original text. */
  ends: Int32Array;
}

/** Characters that `symbols` skips: white space, controls, invisible formatting, punctuation, symbols. */
const SYMBOL = /^[\p{White_Space}\p{Cc}\p{Cf}\p{P}\p{S}]$/u;
const MARK = /^\p{M}$/u;

/**
 * Look-alike characters, mapped to the Latin letter or digit they imitate: the Cyrillic and
 * Greek letters that are commonly used to dodge filters (a subset of Unicode's confusables,
 * TR39, limited to letters whose lower-case form is indistinguishable from a Latin one).
 */
export const CONFUSABLES: ReadonlyMap<string, string> = new Map([
  // Cyrillic, lower case (upper case is folded first when `case` is on; both are listed).
  ['а', 'a'], ['в', 'b'], ['е', 'e'], ['ё', 'e'], ['к', 'k'], ['м', 'm'], ['н', 'h'], ['о', 'o'], ['р', 'p'],
  ['с', 'c'], ['т', 't'], ['у', 'y'], ['х', 'x'], ['ѕ', 's'], ['і', 'i'], ['ј', 'j'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'],
  ['А', 'A'], ['В', 'B'], ['Е', 'E'], ['К', 'K'], ['М', 'M'], ['Н', 'H'], ['О', 'O'], ['Р', 'P'], ['С', 'C'],
  ['Т', 'T'], ['У', 'Y'], ['Х', 'X'], ['Ѕ', 'S'], ['І', 'I'], ['Ј', 'J'],
  // Greek.
  ['α', 'a'], ['ο', 'o'], ['ρ', 'p'], ['ν', 'v'], ['ι', 'i'], ['κ', 'k'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'],
  ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'], ['Ν', 'N'], ['Ο', 'O'],
  ['Ρ', 'P'], ['Τ', 'T'], ['Υ', 'Y'], ['Χ', 'X'], ['Ζ', 'Z'],
]);

let toSimplified: ReturnType<typeof Converter> | null = null;
const simplifiedCache = new Map<string, string>();

function simplified(cp: string): string {
  const known = simplifiedCache.get(cp);
  if (known !== undefined) return known;
  const convert = (toSimplified ??= Converter({ from: 't', to: 'cn' }));
  const out: string = convert(cp);
  simplifiedCache.set(cp, out);
  return out;
}

interface Steps {
  width: boolean;
  case: boolean;
  traditional: boolean;
  confusables: boolean;
  symbols: boolean;
}

function stepsOf(steps: readonly IrNormalizeStep[]): Steps {
  const has = (s: IrNormalizeStep) => steps.includes(s);
  return { width: has('width'), case: has('case'), traditional: has('traditional'), confusables: has('confusables'), symbols: has('symbols') };
}

/** Normalises one unit (a code point and its marks) into zero or more code points. */
function normalizeUnit(unit: string, s: Steps): string {
  let u = unit;
  if (s.width) u = u.normalize('NFKC');
  if (s.case) u = u.toLowerCase();
  if (s.traditional || s.confusables) {
    let v = '';
    for (const cp of u) {
      let c = s.traditional ? simplified(cp) : cp;
      if (s.confusables) c = CONFUSABLES.get(c) ?? c;
      v += c;
    }
    u = v;
    // A confusable upper-case letter maps to an upper-case Latin one: fold it too.
    if (s.case) u = u.toLowerCase();
  }
  if (s.symbols) {
    let v = '';
    let kept = false;
    for (const cp of u) {
      if (SYMBOL.test(cp)) continue;
      // A mark left alone by a dropped symbol (a variation selector after an emoji) goes too.
      if (!kept && MARK.test(cp)) continue;
      kept = true;
      v += cp;
    }
    u = v;
  }
  return u;
}

/** Combining marks of the BMP, looked up once each: 0 unknown, 1 a mark, 2 not. */
const bmpMark = new Uint8Array(0x10000);

/** True when a combining mark starts at `i` (there are none below U+0300). */
function markAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x300) return false;
  if (c < 0xd800 || c > 0xdfff) {
    let k = bmpMark[c];
    if (k === 0) bmpMark[c] = k = MARK.test(text[i]) ? 1 : 2;
    return k === 1;
  }
  return MARK.test(text.slice(i, i + codePointLength(text, i)));
}

/** Splits a text into units: each code point with the combining marks that follow it. */
function forEachUnit(text: string, f: (start: number, end: number) => void): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    i += codePointLength(text, i);
    while (i < n && markAt(text, i)) i += codePointLength(text, i);
    f(start, i);
  }
}

function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * What each unit normalises to, per set of steps: units are few and repeat, so each is worked
 * out once. Only the plain function `normalizeUnit` decides; the cache only remembers.
 */
const unitCaches = new Map<string, Map<string, string>>();
const UNIT_CACHE_LIMIT = 200_000;

/** Normalises a text and maps each unit of the result back to its span in `text`. */
export function normalizeText(text: string, steps: readonly IrNormalizeStep[]): NormalizedText {
  const s = stepsOf(steps);
  if (!s.width && !s.case && !s.traditional && !s.confusables && !s.symbols) {
    const starts = new Int32Array(text.length);
    const ends = new Int32Array(text.length);
    forEachUnit(text, (a, b) => {
      for (let k = a; k < b; k++) {
        starts[k] = a;
        ends[k] = b;
      }
    });
    return { text, starts, ends };
  }
  const key = `${+s.width}${+s.case}${+s.traditional}${+s.confusables}${+s.symbols}`;
  let cache = unitCaches.get(key);
  if (!cache) unitCaches.set(key, (cache = new Map()));
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  forEachUnit(text, (a, b) => {
    const unit = text.slice(a, b);
    let u = cache.get(unit);
    if (u === undefined) {
      u = normalizeUnit(unit, s);
      if (cache.size < UNIT_CACHE_LIMIT) cache.set(unit, u);
    }
    out += u;
    for (let k = 0; k < u.length; k++) {
      starts.push(a);
      ends.push(b);
    }
  });
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** Normalises a keyword or an exception phrase: the same steps, no map. */
export function normalizeKeyword(text: string, steps: readonly IrNormalizeStep[]): string {
  return normalizeText(text, steps).text;
}
