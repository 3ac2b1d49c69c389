// "Did you mean": the one place that decides which known word a misspelt one was meant to be.
// The YAML schema errors, the `.policy` parser's messages and the compiler's name checks all use
// it, each with its own tolerance (kept as they were, so their messages do not change).

/**
 * Edit distance between two words: insertions, deletions and substitutions, and, when
 * `transpositions` is on, swaps of two neighbouring letters (`muet` is one step from `mute`).
 */
export function editDistance(a: string, b: string, transpositions = true): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export interface Tolerance {
  /** The largest distance still taken for a typo, given the word and the nearest known word. */
  maxDistance: (word: string, nearest: string) => number;
  /** Compare without regard to case (default: no). */
  ignoreCase?: boolean;
  /** Count swapped neighbouring letters as one edit (default: yes). */
  transpositions?: boolean;
  /** Known words whose length differs from the word's by more than this are never suggested. */
  maxLengthGap?: number;
}

/**
 * The tolerance for the language's own words, in both forms: YAML keys and values, and the
 * keywords of `.policy` text (`recal` → `recall`): a third of the suggested word's length, at
 * least one edit.
 */
export const WORD_TOLERANCE: Tolerance = {
  ignoreCase: true,
  maxDistance: (_word, nearest) => Math.max(1, Math.floor(nearest.length / 3)),
};

/** The YAML schema's tolerance: the language words' one. */
export const YAML_TOLERANCE: Tolerance = WORD_TOLERANCE;

/** The compiler's tolerance for names: a third of the written name's length, at least two edits. */
export const NAME_TOLERANCE: Tolerance = {
  transpositions: false,
  maxLengthGap: 3,
  maxDistance: (word) => Math.max(2, Math.floor(word.length / 3)),
};

/** The known word nearest `word` (the first of equals), when it is near enough to be a typo. */
export function closest(word: string, known: readonly string[], tolerance: Tolerance): string | undefined {
  const fold = (s: string) => (tolerance.ignoreCase ? s.toLowerCase() : s);
  const w = fold(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (tolerance.maxLengthGap !== undefined && Math.abs(word.length - k.length) > tolerance.maxLengthGap) continue;
    const d = editDistance(w, fold(k), tolerance.transpositions ?? true);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= tolerance.maxDistance(word, best) ? best : undefined;
}
