// The vocabulary of text normalisation (spec/language.md §10), in one place for both normalisers
// (the reference, runtime/text/normalize-reference.ts, and the matcher's fast one,
// runtime/matcher/normalize.ts): the step names, the order the pipeline applies them in, the
// result type, the character classes the steps and the unit splitting test, the look-alike
// table, and what the steps do to one unit.
//
// The grammar keeps its own list of step names (language/builtins.ts: language/ imports nothing
// of ours); compiler/lower/model-to-ir.ts maps one onto the other with a typed table, and a test
// holds the two lists equal.
import { VARIANTS_TABLE } from './variants-table.ts';

/**
 * Every step, in the order the pipeline applies them, whatever order a policy lists them in.
 * `variants` acts mostly on keywords: a keyword stands for several patterns (runtime/text/
 * variants.ts), each normalised with the other steps. On text (and keywords) it only reads a few
 * symbols as words (VARIANT_SYMBOLS: `+` is 加), after `confusables` and before `symbols`.
 */
export const NORMALIZE_STEP_ORDER = ['width', 'case', 'traditional', 'confusables', 'variants', 'symbols'] as const;

/** A step that changes text. */
export type ActiveNormalizeStep = (typeof NORMALIZE_STEP_ORDER)[number];

/** A normalisation step as a policy names it: `none` alone means no step. */
export type NormalizeStep = 'none' | ActiveNormalizeStep;

/** Every step name a policy may use. */
export const NORMALIZE_STEP_NAMES: readonly NormalizeStep[] = ['none', ...NORMALIZE_STEP_ORDER];

/** The steps of a list in pipeline order, without duplicates and without `none`. */
export function canonicalSteps(steps: readonly NormalizeStep[]): ActiveNormalizeStep[] {
  return NORMALIZE_STEP_ORDER.filter((s) => steps.includes(s));
}

/** Which steps a list turns on. */
export type StepFlags = Record<ActiveNormalizeStep, boolean>;

export function stepFlags(steps: readonly NormalizeStep[]): StepFlags {
  const has = (s: NormalizeStep) => steps.includes(s);
  return {
    width: has('width'),
    case: has('case'),
    traditional: has('traditional'),
    confusables: has('confusables'),
    symbols: has('symbols'),
    variants: has('variants'),
  };
}

/** A normalised text with a map from each of its UTF-16 units back to the original text. */
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
/**
 * Characters that `symbols` also skips wherever they stand, even after a letter: the ignorables.
 * The set is Unicode's, never a list typed by hand: every Default_Ignorable_Code_Point (variation
 * selectors U+FE00–FE0F and U+E0100–E01EF, U+034F, the Hangul fillers U+115F, U+1160, U+3164,
 * U+FFA0, U+17B4, …), every nonspacing or enclosing mark (general category Mn, Me: U+0301, U+20E3,
 * …), every format character (Cf) and every lone surrogate (Cs). Spacing marks (Mc) are letters'
 * vowel signs in Indic scripts and stay.
 */
const IGNORABLE = /^[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\p{Cf}\p{Cs}]$/u;
/** Combining marks (general category M). */
const MARK = /^\p{M}$/u;

/** True for a code point (as a string) that `symbols` skips. */
export function isSkippedSymbol(cp: string): boolean {
  return SYMBOL.test(cp) || isIgnorable(cp);
}

/** The ignorables of the BMP, one bit each, computed once from IGNORABLE at module load. */
const BMP_IGNORABLE = (() => {
  const bits = new Uint32Array(0x10000 >>> 5);
  for (let cp = 0; cp < 0x10000; cp++) if (IGNORABLE.test(String.fromCharCode(cp))) bits[cp >>> 5] |= 1 << (cp & 31);
  return bits;
})();

/**
 * True for a code point (as a string: one code point, or one lone surrogate) that is ignorable
 * (IGNORABLE above): invisible or combining, so `symbols` skips it between the characters of a word.
 */
export function isIgnorable(cp: string): boolean {
  if (cp.length === 1) {
    const c = cp.charCodeAt(0);
    return (BMP_IGNORABLE[c >>> 5] & (1 << (c & 31))) !== 0;
  }
  return IGNORABLE.test(cp);
}

/** True for a combining mark (general category M): it joins the unit of the code point before it. */
export function isMark(cp: string): boolean {
  return MARK.test(cp);
}

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

/**
 * The one part of `variants` that reads text: a symbol spammers write for a word (`+` for 加),
 * which `symbols` would otherwise skip, becomes the word, in text and keywords alike, before
 * `symbols` runs. Derived from the variants table: every spelling that is one symbol or
 * punctuation character.
 */
export const VARIANT_SYMBOLS: ReadonlyMap<string, string> = new Map(
  VARIANTS_TABLE.flatMap(([word, spellings]) => spellings.filter((x) => /^[\p{P}\p{S}]$/u.test(x)).map((x) => [x, word] as const)),
);

/**
 * Normalises one unit (a code point and its marks) into zero or more code points: the steps in
 * pipeline order. `simplified` converts one code point from traditional to simplified Chinese
 * (the two normalisers look it up differently, with the same result).
 */
export function normalizeUnitBy(unit: string, s: StepFlags, simplified: (cp: string) => string): string {
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
  if (s.variants) {
    let v = '';
    for (const cp of u) v += VARIANT_SYMBOLS.get(cp) ?? cp;
    u = v;
  }
  if (s.symbols) {
    let v = '';
    let kept = false;
    for (const cp of u) {
      if (isSkippedSymbol(cp)) continue;
      // A mark left alone by a dropped symbol (a variation selector after an emoji) goes too.
      if (!kept && isMark(cp)) continue;
      kept = true;
      v += cp;
    }
    u = v;
  }
  return u;
}
