// The `variants` normalisation step (spec/language.md §10): a keyword of a rule with `variants`
// matches in every spelling the curated table (variants-table.ts) gives for the words in it:
// `加微信` also as `加V信`, `加薇信`, `jiavx`, `jia微信`, `加威信`. It works on keywords (and
// exception phrases): each spelling is one more pattern, normalised with the rule's steps, so
// matching, spans and the two normalisers are exactly those of the steps. The only part that
// reads the message text is in normalize-steps.ts (VARIANT_SYMBOLS: `+` is read as 加 before
// `symbols` could skip it, so `+vx` is `加vx`); those spellings are not enumerated here.
//
// A keyword is cut into the table's words from left to right, the longest word at each position
// (`二维码` before `微`), a word found in any case and width (`ＱＱ`, `Qq`) but as the table writes
// it otherwise (simplified characters); every other character stays as it is. Its spellings are every way of
// writing each word in one of its spellings, fewest replaced words first, then by the order of
// the table's spellings; at most MAX_SPELLINGS per keyword, the keyword itself included.
//
// A policy set may add its own lines (`variants of "微信" "薇信", "vx"`, IR `variants`): they are
// merged into the curated table (variantTable), the author's spellings of a word before the
// curated ones, so a spelling asked for by name is never the one the MAX_SPELLINGS cut drops.
import type { IrVariant } from '../ir.ts';
import { VARIANT_SYMBOLS, type NormalizeStep } from './normalize-steps.ts';
import { keywordCore } from './text-semantics.ts';
import { VARIANTS_TABLE } from './variants-table.ts';

/** Most spellings of one keyword (the keyword itself included). */
export const MAX_SPELLINGS = 64;

/** A table of words and their spellings: the curated one, or it merged with a set's own lines. */
export interface VariantTable {
  /** By word (NFKC, lower case): its spellings, commonest first, without VARIANT_SYMBOLS. */
  readonly words: ReadonlyMap<string, readonly string[]>;
  /** The length of the longest word. */
  readonly longest: number;
}

function tableOf(entries: Iterable<readonly [string, readonly string[]]>): VariantTable {
  const words = new Map<string, readonly string[]>();
  for (const [w, s] of entries) words.set(w, s.filter((x) => !VARIANT_SYMBOLS.has(x)));
  return { words, longest: Math.max(0, ...[...words.keys()].map((w) => w.length)) };
}

/** The curated table alone (variants-table.ts). */
export const CURATED_VARIANTS: VariantTable = tableOf(VARIANTS_TABLE);

/** The key of a word in a table: as a keyword's text is compared with it, in any case and width. */
export function variantWordKey(word: string): string {
  return word.normalize('NFKC').toLowerCase();
}

/** A set's own variant lines as the runtime reads them (the IR's, or without their places). */
export type OwnVariants = readonly Pick<IrVariant, 'word' | 'spellings'>[];

const merged = new WeakMap<OwnVariants, VariantTable>();

/**
 * The curated table merged with a set's own variant lines (the IR's `variants`): a word of both
 * has the author's spellings first, then the curated ones not already given. Built once per array.
 */
export function variantTable(own: OwnVariants | undefined): VariantTable {
  if (!own || own.length === 0) return CURATED_VARIANTS;
  let t = merged.get(own);
  if (t) return t;
  const mine = new Map<string, string[]>();
  for (const v of own) {
    const key = variantWordKey(v.word);
    mine.set(key, [...(mine.get(key) ?? []), ...v.spellings]);
  }
  const entries = new Map<string, readonly string[]>(VARIANTS_TABLE.map(([w, s]) => [w, s]));
  for (const [key, xs] of mine) entries.set(key, [...new Set([...xs, ...(entries.get(key) ?? [])])]);
  t = tableOf(entries);
  merged.set(own, t);
  return t;
}

/** The keyword cut into table words (with their spellings) and the text between them. */
function segments(core: string, table: VariantTable): (string | readonly string[])[] {
  const { words: WORDS, longest: LONGEST } = table;
  const out: (string | readonly string[])[] = [];
  let plain = '';
  let i = 0;
  while (i < core.length) {
    let found = 0;
    for (let n = Math.min(LONGEST, core.length - i); n > 0; n--) {
      const w = core.slice(i, i + n).normalize('NFKC').toLowerCase();
      if (WORDS.has(w)) {
        if (plain !== '') out.push(plain);
        plain = '';
        out.push([core.slice(i, i + n), ...WORDS.get(w)!]);
        found = n;
        break;
      }
    }
    if (found > 0) i += found;
    else plain += core[i++];
  }
  if (plain !== '') out.push(plain);
  return out;
}

/**
 * Every spelling of a keyword's text (without its `*` marks) under `variants`: the keyword first,
 * then the others, fewest replaced words first; distinct, at most MAX_SPELLINGS.
 */
export function keywordSpellings(core: string, table: VariantTable = CURATED_VARIANTS): string[] {
  const segs = segments(core, table);
  const words = segs.filter((s): s is readonly string[] => typeof s !== 'string');
  if (words.length === 0) return [core];
  // Choices per word: index 0 is the word as written. Enumerate by number of replaced words.
  const out = new Set<string>();
  const choice = new Array<number>(words.length).fill(0);
  const emit = () => {
    let k = 0;
    out.add(segs.map((s) => (typeof s === 'string' ? s : s[choice[k++]])).join(''));
  };
  const byReplaced = (replaced: number, from: number): boolean => {
    if (out.size >= MAX_SPELLINGS) return false;
    if (replaced === 0) {
      emit();
      return out.size < MAX_SPELLINGS;
    }
    for (let w = from; w <= words.length - replaced; w++) {
      for (let c = 1; c < words[w].length; c++) {
        choice[w] = c;
        const more = byReplaced(replaced - 1, w + 1);
        choice[w] = 0;
        if (!more) return false;
      }
    }
    return true;
  };
  for (let r = 0; r <= words.length && out.size < MAX_SPELLINGS; r++) byReplaced(r, 0);
  return [...out];
}

/** A spelling that is only Latin letters and digits (once normalised) matches whole words only. */
export function isLatinSpelling(normalized: string): boolean {
  return /^[a-z0-9]+$/i.test(normalized);
}

/** One pattern a keyword stands for: its text (with the keyword's `*` marks) and whole-word flag. */
export interface KeywordVariant {
  text: string;
  wholeWord: boolean;
}

/**
 * The patterns a keyword as written (with any `*` marks) stands for under `steps`: itself alone
 * without `variants`; with it, every spelling (keywordSpellings), a Latin one matching whole
 * words only. `normalize` is the normaliser of the caller (the reference's or the matcher's: they
 * agree), used to see whether a spelling is Latin.
 */
export function keywordVariants(
  text: string,
  wholeWord: boolean,
  steps: readonly NormalizeStep[],
  normalize: (text: string, steps: readonly NormalizeStep[]) => string,
  table: VariantTable = CURATED_VARIANTS,
): KeywordVariant[] {
  if (!steps.includes('variants')) return [{ text, wholeWord }];
  const { core, openStart, openEnd } = keywordCore(text);
  const spellings = keywordSpellings(core, table);
  return spellings.map((s, i) => ({
    text: (openStart ? '*' : '') + s + (openEnd ? '*' : ''),
    wholeWord: wholeWord || (i > 0 && isLatinSpelling(normalize(s, steps))),
  }));
}

/** The phrases an exception phrase stands for under `steps` (every spelling with `variants`). */
export function exceptionVariants(text: string, steps: readonly NormalizeStep[], table: VariantTable = CURATED_VARIANTS): string[] {
  return steps.includes('variants') ? keywordSpellings(text, table) : [text];
}
