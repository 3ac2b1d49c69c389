// The reference text normaliser: the plainest correct implementation of spec/language.md §10,
// with a map from every normalised UTF-16 unit back to the span of the original text it came
// from. The interpreter uses it; the fast matcher's normaliser (runtime/matcher/) must give the
// same text and the same map on every input, and a test holds it to that.
//
// The text is read one *unit* at a time: a code point with the combining marks that follow it
// (so `e` + U+0301 and `é` normalise alike). Each unit goes through the steps in a fixed order,
// whatever order the policy lists them in: width (NFKC), case, traditional, confusables, the
// symbols `variants` reads as words (`+` is 加), then symbols drops what is left of symbols,
// spaces, punctuation and invisible characters (ignorables: variation selectors, combining marks,
// fillers, lone surrogates). Every
// code point a unit yields maps to the unit's whole span, so a span never splits a surrogate
// pair or a base character from its marks.
import { Converter } from 'opencc-js/t2cn';
import { codePointLength, isSurrogate } from './utf16.ts';
import { isMark, normalizeUnitBy, stepFlags, type NormalizedText, type NormalizeStep, type StepFlags } from './normalize-steps.ts';

export { CONFUSABLES, type NormalizedText } from './normalize-steps.ts';

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

/** Normalises one unit (a code point and its marks) into zero or more code points. */
function normalizeUnit(unit: string, s: StepFlags): string {
  return normalizeUnitBy(unit, s, simplified);
}

/** Combining marks of the BMP, looked up once each: 0 unknown, 1 a mark, 2 not. */
const bmpMark = new Uint8Array(0x10000);

/** True when a combining mark starts at `i` (there are none below U+0300). */
function markAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x300) return false;
  if (!isSurrogate(c)) {
    let k = bmpMark[c];
    if (k === 0) bmpMark[c] = k = isMark(text[i]) ? 1 : 2;
    return k === 1;
  }
  return isMark(text.slice(i, i + codePointLength(text, i)));
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

/**
 * What each unit normalises to, per set of steps: units are few and repeat, so each is worked
 * out once. Only the plain function `normalizeUnit` decides; the cache only remembers.
 */
const unitCaches = new Map<string, Map<string, string>>();
const UNIT_CACHE_LIMIT = 200_000;

/** Normalises a text and maps each unit of the result back to its span in `text`. */
export function normalizeText(text: string, steps: readonly NormalizeStep[]): NormalizedText {
  const s = stepFlags(steps);
  if (!s.width && !s.case && !s.traditional && !s.confusables && !s.variants && !s.symbols) {
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
  const key = `${+s.width}${+s.case}${+s.traditional}${+s.confusables}${+s.variants}${+s.symbols}`;
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
export function normalizeKeyword(text: string, steps: readonly NormalizeStep[]): string {
  return normalizeText(text, steps).text;
}
