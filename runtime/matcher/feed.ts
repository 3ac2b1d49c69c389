// How the matcher's fast path feeds a code unit of the attention class (CLASS_ATTENTION) to the
// automaton: a surrogate pair that normalises to itself as its two units, a lone high surrogate
// as itself (as nothing under `symbols`, and so a lone low surrogate), a pair that normalises to
// nothing as nothing; the combining marks of a unit as nothing when the unit normalises to what
// its base alone does (`❤\uFE0F`, `1\uFE0F\u20E3` under `symbols`), and as one unit of class 0
// when they stay as they are and no keyword holds them (`❤\uFE0F` without `symbols`), and a single
// BMP mark that stays as it is and that a keyword holds as one unit of its own class (`e\u0301`
// as a keyword without normalisation; `startOf` in matcher.ts counts it). Anything
// else (an expansion, a mark that changes its unit) needs the slow path, which normalises the
// text with an offset map first. A hit that ends on the base of such a unit ends after its marks
// (matcher.ts extends it), as the reference maps every normalised unit to its whole unit.
import { isMark, PairKind, UnitKind, unitEnd, unitNormalizer, unitTable, type NormalizeStep } from './normalize.ts';
import { codePointBefore, isHighSurrogate as isHigh, isLowSurrogate as isLow, pairCodePoint } from '../text/utf16.ts';

export interface Feeder {
  /**
   * Feeds the attention unit at `pos`: returns how many units it feeds (0, 1 or 2; fed unit k
   * stands at pos + k) and writes their classes to out[0] and out[1] and the position after
   * them to out[2]; or -1 when the text needs the slow path. It feeds 2 only for a surrogate
   * pair that normalises to itself, as its own two units (matcher.ts relies on it).
   */
  feed(text: string, pos: number, out: Int32Array): number;
  /**
   * How many fed units of a hit the combining mark at `pos` accounts for, walking back from the
   * hit's end (matcher.ts `startOf`): 1 when it was fed with its own class (a keyword holds it),
   * else 0 (it fed nothing, or class 0, which no hit spans).
   */
  markUnits(text: string, pos: number): number;
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
  // What the marks of a unit (a base and its marks, as a string) feed, by the unit (bounded memo):
  // 0 nothing (the unit normalises to what its base alone does, and the fast path fed the base
  // as that), 1 one unit of class 0 (the marks stay as they are and no keyword holds them: the
  // automaton goes back to its root), -1 the slow path.
  const markUnits = new Map<string, number>();
  const marksFeed = (unit: string, base: string): number => {
    let known = markUnits.get(unit);
    if (known === undefined) {
      if (markUnits.size > 4096) markUnits.clear();
      const whole = normalizer.normalizeUnit(unit);
      const alone = base === '' ? '' : normalizer.normalizeUnit(base);
      known = -1;
      if (whole === alone) known = 0;
      else if (whole === alone + unit.slice(base.length)) {
        known = 1;
        for (let i = alone.length; i < whole.length; i++) if (rawClass[whole.charCodeAt(i)] !== 0) known = -1;
      }
      markUnits.set(unit, known);
    }
    return known;
  };
  // The common case without strings: one BMP mark right after its base (a code unit or a pair
  // that is not a mark), and no mark after it (`❤\uFE0F`, `🏳\uFE0F\u200D🌈`, `e\u0301`). What
  // it feeds, by base code point · 2^16 + mark (bounded memo): as `marksFeed`, or FED_AS_ITSELF
  // when the mark stays as it is and a keyword holds it (`e\u0301` as a keyword without
  // normalisation): one unit of its own class; NOT_SINGLE when the unit is not of that shape and
  // the general walk below must find it.
  const kinds = unitTable(steps).kind;
  const singleMarks = new Map<number, number>();
  const NOT_SINGLE = -2;
  const FED_AS_ITSELF = 2;
  const singleMark = (text: string, pos: number, mark: number): number => {
    if (pos === 0) return NOT_SINGLE;
    if (pos + 1 < text.length) {
      const w = text.charCodeAt(pos + 1);
      if (kinds[w] === UnitKind.Mark) return NOT_SINGLE;
      if (isHigh(w) && pos + 2 < text.length) {
        const x = text.charCodeAt(pos + 2);
        // An astral mark (a variation selector supplement) would join the unit.
        if (isLow(x) && normalizer.pairKind(pairCodePoint(w, x)) === PairKind.Other) return NOT_SINGLE;
      }
    }
    let base = text.charCodeAt(pos - 1);
    let baseLength = 1;
    if (isLow(base) && pos >= 2 && isHigh(text.charCodeAt(pos - 2))) {
      base = pairCodePoint(text.charCodeAt(pos - 2), base);
      // Other: an astral mark, or a base whose normalisation is not itself: the general walk.
      if (normalizer.pairKind(base) === PairKind.Other) return NOT_SINGLE;
      baseLength = 2;
    } else if (kinds[base] === UnitKind.Mark) return NOT_SINGLE;
    const key = base * 65536 + mark;
    let known = singleMarks.get(key);
    if (known === undefined) {
      if (singleMarks.size > 4096) singleMarks.clear();
      const unit = text.slice(pos - baseLength, pos + 1);
      const baseText = text.slice(pos - baseLength, pos);
      known = marksFeed(unit, baseText);
      if (known < 0 && normalizer.normalizeUnit(unit) === normalizer.normalizeUnit(baseText) + String.fromCharCode(mark)) known = FED_AS_ITSELF;
      singleMarks.set(key, known);
    }
    return known;
  };
  return {
    markUnits(text, pos) {
      const u = text.charCodeAt(pos);
      return kinds[u] === UnitKind.Mark && singleMark(text, pos, u) === FED_AS_ITSELF ? 1 : 0;
    },
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
      } else {
        if (kinds[u] !== UnitKind.Mark) return -1;
        const k = singleMark(text, pos, u);
        if (k !== NOT_SINGLE) {
          if (k < 0) return -1;
          out[0] = k === FED_AS_ITSELF ? rawClass[u] : 0;
          out[2] = pos + 1;
          return k === FED_AS_ITSELF ? 1 : k;
        }
      }
      // A mark: find its unit (back over marks to the base, or to the start of the text).
      let q = pos;
      let base = '';
      while (q > 0) {
        const before = codePointBefore(text, q);
        q -= before.length;
        if (!isMark(before)) {
          base = before;
          break;
        }
      }
      const end = unitEnd(text, q, unitTable(steps));
      const k = marksFeed(text.slice(q, end), base);
      if (k < 0) return -1;
      out[0] = 0;
      out[2] = end;
      return k;
    },
  };
}
