// How the matcher's fast path feeds a code unit of the attention class (CLASS_ATTENTION) to the
// automaton: a surrogate pair that normalises to itself as its two units, a lone high surrogate
// as itself (as nothing under `symbols`, and so a lone low surrogate), a pair or a combining mark
// that normalises to nothing (with its whole unit) as nothing. Anything else (an expansion, a mark that changes its unit) needs the slow path, which
// normalises the text with an offset map first.
import { isMark, PairKind, unitEnd, unitNormalizer, unitTable, type NormalizeStep } from './normalize.ts';
import { codePointBefore, isHighSurrogate as isHigh, isLowSurrogate as isLow, pairCodePoint } from '../text/utf16.ts';

export interface Feeder {
  /**
   * Feeds the attention unit at `pos`: returns how many units it feeds (0, 1 or 2; fed unit k
   * stands at pos + k) and writes their classes to out[0] and out[1] and the position after
   * them to out[2]; or -1 when the text needs the slow path.
   */
  feed(text: string, pos: number, out: Int32Array): number;
}

/**
 * Whether a lone high surrogate normalises to nothing under these steps (`symbols` skips every
 * lone surrogate). The steps treat every lone high surrogate alike, so one stands for all.
 */
export function loneHighSurrogateSkipped(steps: readonly NormalizeStep[]): boolean {
  return unitNormalizer(steps).normalizeUnit('\ud800') === '';
}

/** `rawClass`: the class of each normalised unit (0 outside the keyword alphabet). */
export function createFeeder(steps: readonly NormalizeStep[], rawClass: Uint16Array): Feeder {
  const normalizer = unitNormalizer(steps);
  const loneHighSkipped = loneHighSurrogateSkipped(steps);
  // Units made of a base and marks, by whether they normalise to nothing (bounded memo).
  const emptyUnits = new Map<string, boolean>();
  const unitIsEmpty = (unit: string): boolean => {
    let known = emptyUnits.get(unit);
    if (known === undefined) {
      if (emptyUnits.size > 4096) emptyUnits.clear();
      known = normalizer.normalizeUnit(unit) === '';
      emptyUnits.set(unit, known);
    }
    return known;
  };
  return {
    feed(text, pos, out) {
      const u = text.charCodeAt(pos);
      if (isHigh(u)) {
        const v = pos + 1 < text.length ? text.charCodeAt(pos + 1) : 0;
        if (!isLow(v)) {
          // A lone high surrogate stands for itself, or for nothing when the steps skip it.
          out[2] = pos + 1;
          if (loneHighSkipped) return 0;
          out[0] = rawClass[u];
          return 1;
        }
        const kind = normalizer.pairKind(pairCodePoint(u, v));
        if (kind === PairKind.Identity) {
          out[0] = rawClass[u];
          out[1] = rawClass[v];
          out[2] = pos + 2;
          return 2;
        }
        if (kind === PairKind.Skip) {
          out[2] = pos + 2;
          return 0;
        }
        if (!isMark(text.slice(pos, pos + 2))) return -1;
      } else if (isLow(u)) {
        // Under `symbols` (UnitKind.Low): the second half of a pair whose first half was fed
        // (a trie walk that went on from inside the pair) feeds itself; a lone one, nothing.
        out[2] = pos + 1;
        if (pos > 0 && isHigh(text.charCodeAt(pos - 1))) {
          out[0] = rawClass[u];
          return 1;
        }
        return 0;
      } else if (!isMark(text[pos])) return -1;
      // A mark: find its unit (back over marks to the base, or to the start of the text).
      let q = pos;
      let baseAlone = '';
      while (q > 0) {
        const before = codePointBefore(text, q);
        q -= before.length;
        if (!isMark(before)) {
          baseAlone = before;
          break;
        }
      }
      const end = unitEnd(text, q, unitTable(steps));
      if (!unitIsEmpty(text.slice(q, end))) return -1;
      if (baseAlone !== '' && !unitIsEmpty(baseAlone)) return -1;
      out[2] = end;
      return 0;
    },
  };
}
